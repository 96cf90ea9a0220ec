"""Backup and restore of an installation: the database (pg_dump's custom format) and the files that live outside
it (uploaded files awaiting retention, the generated secret key), with a manifest of what was in each table.

A backup is one folder, private to its owner (0700):

    database.dump    pg_dump -Fc, taken in one snapshot
    files.tar.gz     DATA_DIR/uploads and DATA_DIR/secret_key (when the key is the generated one)
    manifest.json    when, from which database, rows per table (counted in the dump's snapshot), file checksums

``restore`` loads such a folder into a database that holds no tables yet (a new embedded data folder, or an
empty external database owned by the owner role), runs ``bootstrap`` (migrations newer than the backup, the
application role's privileges), puts the files back, and checks every table's row count against the manifest.
The embedded server's binaries (pgserver's PostgreSQL 16) unless PG_BIN_DIR names others. Used by
``manage.py backup`` / ``manage.py restore``; docs/reliability.md.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import psycopg
from django.conf import settings
from psycopg import sql


class BackupError(Exception):
    pass


def _binary(name: str) -> str:
    """pgserver's PostgreSQL 16 tools: they dump servers of version 16 and older; PG_BIN_DIR for newer ones."""
    folder = os.environ.get("PG_BIN_DIR")
    if folder:
        return str(Path(folder) / name)
    import pgserver

    return str(Path(pgserver.__file__).parent / "pginstall" / "bin" / name)


def _database_url(*, restoring: bool) -> str:
    """A URL that reads (backup) or owns (restore) every table."""
    if settings.EMBEDDED_DATABASE:
        from core.embedded_postgres import embedded_database_url

        return embedded_database_url(settings.DATA_DIR, database=settings.DATABASES["default"]["NAME"],
                                     role="owner" if restoring else "superuser")
    return settings.DATABASE_OWNER_URL or settings.DATABASE_URL


def _table_rows(conn) -> dict[str, int]:
    tables = [name for (name,) in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").fetchall()]
    return {name: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name))).fetchone()[0]
            for name in tables}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _outside_files() -> list[tuple[Path, str]]:
    """(path, name in the archive) of the files a restore needs besides the database."""
    found = []
    upload_dir = Path(settings.UPLOAD_DIR)
    if upload_dir.exists():
        found.append((upload_dir, "uploads"))
    key = settings.DATA_DIR / "secret_key"
    if key.exists():
        found.append((key, "secret_key"))
    return found


def backup_create(folder: Path) -> dict:
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: a backup goes into a new folder")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    url = _database_url(restoring=False)
    started = time.monotonic()
    # One snapshot for the dump and the counts: the manifest says exactly what the dump holds.
    with psycopg.connect(url) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        dump = folder / "database.dump"
        done = subprocess.run([_binary("pg_dump"), "-Fc", f"--snapshot={snapshot}", "-f", str(dump), url],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()[-2000:]}")
        rows = _table_rows(conn)
        server = conn.execute("SHOW server_version").fetchone()[0]
        database = conn.info.dbname
    os.chmod(dump, 0o600)
    archive = folder / "files.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for path, name in _outside_files():
            tar.add(path, arcname=name)
    os.chmod(archive, 0o600)
    manifest = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "database": database, "server_version": server,
        "tables": rows, "files": {"database.dump": _sha256(dump), "files.tar.gz": _sha256(archive)},
        "seconds": round(time.monotonic() - started, 1),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    os.chmod(folder / "manifest.json", 0o600)
    return {"folder": str(folder), "tables": len(rows), "rows": sum(rows.values()),
            "bytes": dump.stat().st_size + archive.stat().st_size, "seconds": manifest["seconds"]}


def backup_restore(folder: Path) -> dict:
    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    if not manifest_path.exists():
        raise BackupError(f"{folder} holds no manifest.json: not a backup made by `manage.py backup`")
    manifest = json.loads(manifest_path.read_text())
    for name, checksum in manifest["files"].items():
        if _sha256(folder / name) != checksum:
            raise BackupError(f"{folder / name} does not match its checksum in the manifest: damaged or altered")
    url = _database_url(restoring=True)
    with psycopg.connect(url, autocommit=True) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
    if tables:
        raise BackupError("the database already holds tables: restore into a new database (embedded: a new "
                          "INTERPRET_DATA_DIR, or `make clean-data` first; external: an empty database owned by the "
                          "owner role)")
    started = time.monotonic()
    # As the owner role, which then owns what it restores; the application role's rights come from bootstrap.
    done = subprocess.run([_binary("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                           "--single-transaction", "-d", url, str(folder / "database.dump")],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()[-2000:]}")
    with tarfile.open(folder / "files.tar.gz", "r:gz") as tar:
        # The backed-up key replaces the one this process generated at start (nothing has used it yet), so
        # sessions and signed links of the old installation stay valid; SECRET_KEY settings win over both.
        (settings.DATA_DIR / "secret_key").unlink(missing_ok=True)
        tar.extractall(settings.DATA_DIR, filter="data")
    for path in (settings.DATA_DIR / "uploads",):
        if path.exists():
            os.chmod(path, 0o700)
    if (settings.DATA_DIR / "secret_key").exists():
        os.chmod(settings.DATA_DIR / "secret_key", 0o600)
    with psycopg.connect(url) as conn:
        rows = _table_rows(conn)
    differing = {name: (count, rows.get(name)) for name, count in manifest["tables"].items() if rows.get(name) != count}
    if differing:
        raise BackupError(f"restored row counts differ from the manifest: {differing}")
    bootstrap = subprocess.run([sys.executable, str(settings.BASE_DIR / "manage.py"), "bootstrap"],
                               capture_output=True, text=True, env=os.environ.copy())
    if bootstrap.returncode != 0:
        raise BackupError(f"bootstrap after the restore failed: {bootstrap.stderr.strip()[-2000:]}")
    return {"folder": str(folder), "tables": len(rows), "rows": sum(rows.values()),
            "seconds": round(time.monotonic() - started, 1), "backup_created": manifest["created"]}
