from django.apps import AppConfig


class InterpretConfig(AppConfig):
    name = "interpret"
    verbose_name = "Interpretation: analysis, classification"
