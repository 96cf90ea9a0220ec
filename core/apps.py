from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Platform core: accounts, departments, audit, jobs"

    def ready(self):
        from core import openapi, signals  # noqa: F401  (audit of logins and lockouts; the schema's auth schemes)
