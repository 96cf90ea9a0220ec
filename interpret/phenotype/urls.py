"""Routes of phenotypes: the case page's HPO terms and the gene ranking, the term search, and the API."""
from django.urls import path

from interpret.phenotype import api, views

urlpatterns = [
    path("hpo/search/", views.hpo_term_search, name="hpo_term_search"),
    path("cases/<int:case_id>/phenotype/", views.case_phenotype_view, name="case_phenotype"),
    path("cases/<int:case_id>/phenotype/change/", views.case_phenotype_change, name="case_phenotype_change"),
    path("api/hpo/terms/", api.HpoTerms.as_view(), name="api_hpo_terms"),
    path("api/cases/<int:case_id>/phenotype/", api.CasePhenotype.as_view(), name="api_case_phenotype"),
    path("api/cases/<int:case_id>/phenotype/genes/", api.CasePhenotypeGenes.as_view(),
         name="api_case_phenotype_genes"),
]
