from django.apps import AppConfig


class InterpretConfig(AppConfig):
    name = "interpret"
    verbose_name = "Interpretation platform"

    def ready(self):
        from interpret import signals  # noqa: F401  (audit of logins and lockouts)
