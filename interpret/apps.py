from django.apps import AppConfig


class InterpretConfig(AppConfig):
    name = "interpret"
    verbose_name = "Interpretation: analysis, classification"

    def ready(self):
        from interpret import checks  # noqa: F401  (deployment checks)
