from django.apps import AppConfig


class InterpretConfig(AppConfig):
    name = "interpret"
    verbose_name = "Interpretation: analysis, classification"

    def ready(self):
        from interpret import checks  # noqa: F401  (deployment checks)
        from interpret.reanalysis import runner, tasks  # noqa: F401  (the reanalysis job, its triggers and tasks)
