from django.apps import AppConfig


class GenomesConfig(AppConfig):
    name = "genomes"
    verbose_name = "Genomes: cases, pedigrees, samples"

    def ready(self):
        from genomes.importing import load  # noqa: F401  (registers the vcf_import job handler)
        from genomes.sv import importing  # noqa: F401  (registers the sv_import job handler)
