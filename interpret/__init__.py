# Load the Celery app with Django so that shared tasks bind to it and
# transaction.on_commit(...) can queue from any process.
from interpret.celery import app as celery_app

__all__ = ["celery_app"]
