from django.urls import path

from interpret.national import views

urlpatterns = [
    path("variants/search/", views.variant_search, name="variant_search"),
    path("api/variants/lookup/", views.VariantLookup.as_view(), name="api_variant_lookup"),
]
