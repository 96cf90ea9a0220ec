"""What /healthz checks: the database answers and the broker accepts a connection."""
from __future__ import annotations

from django.db import connection


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return f"error: {type(exc).__name__}: {exc}"
    return "ok"


def broker_status() -> str:
    from celery import current_app as app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
            # Opening a channel proves more than a TCP connect (e.g. Redis AUTH, queue folder access).
            conn.default_channel
    except Exception as exc:
        return f"error: {type(exc).__name__}: {exc}"
    return "ok"
