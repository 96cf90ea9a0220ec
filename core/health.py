"""What /healthz checks: the database answers and the broker accepts a connection. The answer names the kind of
failure only; its message (socket paths, host names, credentials in a URL) goes to the server's log, since
/healthz answers without a login."""
from __future__ import annotations

import logging

from django.db import connection

logger = logging.getLogger(__name__)


def _failed(what: str, exc: Exception) -> str:
    logger.warning("health check: %s failed: %s: %s", what, type(exc).__name__, exc)
    return f"error: {type(exc).__name__}"


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return _failed("database", exc)
    return "ok"


def broker_status() -> str:
    from celery import current_app as app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
            # Opening a channel proves more than a TCP connect (e.g. Redis AUTH, queue folder access).
            conn.default_channel
    except Exception as exc:
        return _failed("broker", exc)
    return "ok"
