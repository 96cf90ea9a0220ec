"""The embedded PostgreSQL used when no DATABASE_URL is configured.

pgserver ships a real PostgreSQL 16 in a wheel. Every process that needs the
database (web server, Celery worker, management command, test run) takes a
handle on the one server living in ``<data dir>/postgres``; the server is
started by the first handle and stopped when the last process holding one
exits, so `make setup` leaves nothing running and `make run` stops it on Ctrl-C.
It listens on a Unix socket only: nothing on the machine's network.

Two corrections to pgserver 0.1.4 (pinned in requirements.txt) live here:
- the postmaster is started in a session of its own, so that Ctrl-C in the
  terminal reaches the web server and worker but not the database; it stops
  after them, when their handles are released;
- handles of processes that died without releasing them (SIGKILL, OOM, a CI
  timeout) are pruned, otherwise the server would never be stopped again.
"""
from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path

DATABASE_NAME = "interpret"

logger = logging.getLogger(__name__)


def _patch_pgserver() -> None:
    from pgserver import _commands, postgres_server

    if getattr(postgres_server.pg_ctl, "_detached", False):
        return

    def pg_ctl_detached(args, pgdata=None, **kwargs):
        return _commands.pg_ctl(args, pgdata=pgdata, start_new_session=True, **kwargs)

    pg_ctl_detached._detached = True
    postgres_server.pg_ctl = pg_ctl_detached


def _prune_dead_handles(pgdata: Path) -> None:
    import psutil
    from pgserver.postgres_server import PostgresServer

    handle_file = pgdata / ".handle_pids.json"
    with PostgresServer._lock:
        if not handle_file.exists():
            return
        try:
            pids = json.loads(handle_file.read_text())
        except ValueError:
            pids = []
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        if alive != pids:
            handle_file.write_text(json.dumps(alive))


def embedded_server(data_dir: Path):
    """Start (or join) the embedded server; the handle is released at process exit."""
    # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, cron); pgserver then
    # keeps its lock file in /tmp/runtime-<uid>, which is what we want anyway.
    warnings.filterwarnings("ignore", module="platformdirs")
    import pgserver

    _patch_pgserver()
    pgdata = (data_dir / "postgres").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    if pgdata.exists():
        _prune_dead_handles(pgdata)
    return pgserver.get_server(pgdata, cleanup_mode="stop")


# The two roles the embedded database is used through (core.db_roles): the owner runs migrations and owns every
# table; the application reads and writes rows, and cannot alter, truncate or switch off the audit log.
OWNER_ROLE, APP_ROLE = "interpret_owner", "interpret_app"


def embedded_database_url(data_dir: Path, *, database: str = DATABASE_NAME, role: str = "app") -> str:
    """A URL for ``database`` on the embedded server as the application role (``role="owner"``: as the owner,
    for migrations), creating the roles and the database if needed. ``role="superuser"``: the server's own
    superuser (creating test databases, moving old installations' tables to the owner)."""
    import psycopg

    server = embedded_server(data_dir)
    superuser = server.get_uri("postgres")
    with psycopg.connect(superuser, autocommit=True) as conn:
        for name in (OWNER_ROLE, APP_ROLE):
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name]).fetchone():
                try:
                    conn.execute(f'CREATE ROLE "{name}" LOGIN')
                except psycopg.errors.DuplicateObject:
                    pass  # another process starting at the same time made it
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            try:
                conn.execute(f'CREATE DATABASE "{database}" OWNER "{OWNER_ROLE}"')
            except psycopg.errors.DuplicateDatabase:
                pass  # another process (web and worker start together) created it first
    uri = server.get_uri(database)
    if role == "superuser":
        return uri
    user = OWNER_ROLE if role == "owner" else APP_ROLE
    return uri.replace("postgresql://postgres:@", f"postgresql://{user}:@", 1)


def embedded_server_keep_running(data_dir: Path) -> bool:
    """Start the embedded server again when it is no longer running (killed, crashed, stopped by hand), as
    `make run`'s serve process checks every few seconds; True when it had to. Pages answer 503 meanwhile."""
    from pgserver.postgres_server import PostgresServer, PostmasterInfo

    server = embedded_server(data_dir)
    info = PostmasterInfo.read_from_pgdata(server.pgdata)
    if info is not None and info.is_running():
        return False
    with PostgresServer._lock:
        server.ensure_postgres_running()
    logger.warning("the embedded database in %s was not running: started again", server.pgdata)
    return True
