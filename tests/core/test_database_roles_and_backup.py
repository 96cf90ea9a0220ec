"""The application's database role owns nothing: it cannot switch off, rewrite or empty the audit log, whatever
SQL it runs. And a backup (pg_dump -Fc) restores whole: cases, variants, classifications, panels, the audit log
and its triggers."""
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.processes import ROOT, database_url_of, process_env

PG_BIN = Path(__import__("pgserver").__file__).parent / "pginstall" / "bin"


def superuser_url(database: str) -> str:
    return database_url_of({**connection.settings_dict, "NAME": database})


def url_as(role: str, database: str) -> str:
    return database_url_of({**connection.settings_dict, "USER": role, "PASSWORD": "", "NAME": database})


@pytest.fixture
def fresh_installation(transactional_db):
    """A database of its own with an owner and an application role, set up by `manage.py bootstrap` as
    production is (DATABASE_URL the application's, DATABASE_OWNER_URL the owner's)."""
    tag = uuid.uuid4().hex[:8]
    database, owner, app = f"roles_{tag}", f"owner_{tag}", f"app_{tag}"
    with psycopg.connect(superuser_url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{owner}" LOGIN')
        admin.execute(f'CREATE ROLE "{app}" LOGIN')
        admin.execute(f'CREATE DATABASE "{database}" OWNER "{owner}"')
    env = {**process_env(), "DATABASE_URL": url_as(app, database), "DATABASE_OWNER_URL": url_as(owner, database),
           "INTERPRET_DATABASE_ROLE": "app"}
    try:
        yield env, database, app
    finally:
        with psycopg.connect(superuser_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            for role in (app, owner):
                admin.execute(f'DROP ROLE IF EXISTS "{role}"')


def manage(env, *args):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)


@pytest.mark.worker
def test_the_application_role_cannot_switch_off_or_rewrite_the_audit_log(fresh_installation):
    env, database, app = fresh_installation
    setup = manage(env, "bootstrap")
    assert setup.returncode == 0, setup.stderr[-3000:]
    data = manage(env, "load_demo_data")  # the application role imports cases and writes the audit log
    assert data.returncode == 0, data.stderr[-3000:]
    with psycopg.connect(url_as(app, database), autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM genomes_casevariant").fetchone()[0] > 0
        # a demo case of every analysis type, each with variants (make run shows every feature)
        demo = conn.execute("SELECT c.analysis_type, min(i.variants_stored) FROM genomes_case c JOIN "
                            "genomes_caseimport i ON i.case_id = c.id AND i.is_current GROUP BY 1").fetchall()
        assert {kind for kind, _ in demo} == {"trio", "foetal", "singleton", "duo", "tumour_normal"}, demo
        assert all(stored > 0 for _, stored in demo), demo
        # a signed report and its signed amendment (version 2 replacing version 1)
        reports = conn.execute("SELECT version, status, replaces_id IS NOT NULL, length(pdf) > 1000 FROM "
                               "interpret_report ORDER BY version").fetchall()
        assert reports == [(1, "signed", False, True), (2, "signed", True, True)], reports
        conn.execute("INSERT INTO interpret_auditevent (timestamp, username, action, object_type, object_id, "
                     "department_code, user_agent, method, path, details, api_token_prefix) VALUES "
                     "(now(), 'x', 'view', 't', '1', '', '', '', '', '{}', '')")
        for statement in ("ALTER TABLE interpret_auditevent DISABLE TRIGGER ALL",
                          "UPDATE interpret_auditevent SET username = 'nobody'",
                          "DELETE FROM interpret_auditevent",
                          "TRUNCATE interpret_auditevent",
                          "ALTER TABLE panels_panelversion DISABLE TRIGGER ALL",
                          "DROP TABLE interpret_auditevent"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        assert conn.execute("SELECT count(*) FROM interpret_auditevent WHERE username = 'nobody'").fetchone()[0] == 0


@pytest.mark.worker
def test_a_backup_restores_whole_with_the_audit_logs_protection(fresh_installation, tmp_path):
    env, database, app = fresh_installation
    assert manage(env, "bootstrap", "--demo").returncode == 0
    counted = ("genomes_case", "genomes_casevariant", "genomes_variant", "panels_panelversion", "panels_panelentry",
               "interpret_auditevent", "interpret_user", "interpret_membership", "interpret_filterpreset")
    with psycopg.connect(superuser_url(database)) as conn:
        before = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in counted}
    assert before["genomes_casevariant"] > 0 and before["interpret_auditevent"] > 0
    dump = tmp_path / "interpret.dump"
    backup = subprocess.run([str(PG_BIN / "pg_dump"), "-Fc", "-f", str(dump), superuser_url(database)],
                            capture_output=True, text=True)
    assert backup.returncode == 0, backup.stderr
    restored = f"{database}_restored"
    with psycopg.connect(superuser_url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{restored}"')
    try:
        restore = subprocess.run([str(PG_BIN / "pg_restore"), "--no-owner", "--exit-on-error", "-d",
                                  superuser_url(restored), str(dump)], capture_output=True, text=True)
        assert restore.returncode == 0, restore.stderr
        with psycopg.connect(superuser_url(restored), autocommit=True) as conn:
            after = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in counted}
            assert after == before
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                conn.execute("UPDATE interpret_auditevent SET username = 'nobody'")
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="cannot be deleted"):
                conn.execute("DELETE FROM panels_panelversion WHERE status = 'published'")
    finally:
        with psycopg.connect(superuser_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')


@pytest.mark.worker
def test_backup_and_restore_commands_round_trip_an_installation_with_its_files(fresh_installation, tmp_path):
    """`manage.py backup` then `manage.py restore` into a new empty database and data folder: every table's rows
    (checked by the command against its manifest), the uploads and the secret key come back; the restored
    installation's application role works and still cannot touch the audit log."""
    import json

    env, database, app = fresh_installation
    source_data = tmp_path / "source-data"
    env = {**env, "INTERPRET_DATA_DIR": str(source_data)}
    assert manage(env, "bootstrap", "--demo").returncode == 0
    (source_data / "uploads").mkdir(mode=0o700, exist_ok=True)
    (source_data / "uploads" / "waiting.vcf.gz").write_bytes(b"an upload awaiting retention")
    secret = (source_data / "secret_key").read_text()
    folder = tmp_path / "backup"
    made = manage(env, "backup", str(folder))
    assert made.returncode == 0, made.stderr[-3000:]
    summary = json.loads(made.stdout)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert summary["rows"] == sum(manifest["tables"].values()) and manifest["tables"]["genomes_casevariant"] > 0
    assert (
        oct(folder.stat().st_mode & 0o777) == "0o700"
        and oct((folder / "database.dump").stat().st_mode & 0o777) == "0o600"
    )
    assert manage(env, "backup", str(folder)).returncode != 0  # never into a folder that holds a backup

    target = f"{database}_target"
    owner_role = env["DATABASE_OWNER_URL"].split("://", 1)[1].split(":", 1)[0]
    with psycopg.connect(superuser_url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{target}" OWNER "{owner_role}"')
    try:
        target_data = tmp_path / "target-data"
        target_env = {**env, "INTERPRET_DATA_DIR": str(target_data), "DATABASE_URL": url_as(app, target),
                      "DATABASE_OWNER_URL": url_as(owner_role, target)}
        restored = manage(target_env, "restore", str(folder))
        assert restored.returncode == 0, restored.stderr[-3000:]
        assert json.loads(restored.stdout)["rows"] == summary["rows"]
        assert (target_data / "uploads" / "waiting.vcf.gz").read_bytes() == b"an upload awaiting retention"
        assert (target_data / "secret_key").read_text() == secret
        again = manage(target_env, "restore", str(folder))
        assert again.returncode != 0 and "already holds tables" in again.stderr
        with psycopg.connect(url_as(app, target), autocommit=True) as conn:
            assert conn.execute("SELECT count(*) FROM genomes_casevariant").fetchone()[0] == \
                manifest["tables"]["genomes_casevariant"]
            conn.execute("INSERT INTO interpret_auditevent (timestamp, username, action, object_type, object_id, "
                         "department_code, user_agent, method, path, details, api_token_prefix) VALUES "
                         "(now(), 'x', 'view', 't', '1', '', '', '', '', '{}', '')")
            for statement in ("TRUNCATE interpret_auditevent", "ALTER TABLE interpret_auditevent DISABLE TRIGGER ALL"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement)
    finally:
        with psycopg.connect(superuser_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


@pytest.mark.worker
def test_backup_and_restore_with_the_embedded_database(tmp_path):
    """The default installation: `manage.py backup` reads the embedded server as its superuser (no server of
    its own to keep running), `manage.py restore` fills a new data folder's embedded server as the owner role."""
    import json
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATABASE_OWNER_URL")}
    env.update({"INTERPRET_DATA_DIR": str(tmp_path / "source"), "INTERPRET_DATABASE_ROLE": "app"})
    assert manage(env, "bootstrap", "--demo").returncode == 0
    made = manage(env, "backup", str(tmp_path / "backup"))
    assert made.returncode == 0, made.stderr[-3000:]
    restored = manage({**env, "INTERPRET_DATA_DIR": str(tmp_path / "target")}, "restore", str(tmp_path / "backup"))
    assert restored.returncode == 0, restored.stderr[-3000:]
    assert json.loads(restored.stdout)["rows"] == json.loads(made.stdout)["rows"] > 0
