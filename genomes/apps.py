from django.apps import AppConfig


class GenomesConfig(AppConfig):
    name = "genomes"
    verbose_name = "Genomes: cases, pedigrees, samples"
