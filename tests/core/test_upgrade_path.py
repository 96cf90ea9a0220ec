"""An installation made before the platform core's models moved to the app label ``core`` (issue 24) upgrades in
place: `manage.py bootstrap` (what `make setup` runs) migrates a database made by commit e6ead4e
(tests/data/upgrade/, made by its make_fixture.sh with that commit's own code) without touching a table, renames the
content types the permissions and the admin's log point at, and the upgraded installation works: the same users
log in, their memberships, token, permission, case and classification are there, and the audit log is still
append-only."""
import gzip
import subprocess
import uuid

import psycopg
import pytest

from tests.core.test_database_roles_and_backup import PG_BIN, manage, superuser_url, url_as
from tests.processes import process_env

FIXTURE = "tests/data/upgrade/database-e6ead4e.sql.gz"
MOVED = ("user", "department", "membership", "patientgroup", "auditevent", "apitoken", "job")


@pytest.fixture
def installation_from_before_the_move(transactional_db, tmp_path):
    from tests.processes import ROOT

    tag = uuid.uuid4().hex[:8]
    database, owner, app = f"upgrade_{tag}", f"owner_{tag}", f"app_{tag}"
    with psycopg.connect(superuser_url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{owner}" LOGIN')
        admin.execute(f'CREATE ROLE "{app}" LOGIN')
        admin.execute(f'CREATE DATABASE "{database}" OWNER "{owner}"')
    try:
        restore = subprocess.run([str(PG_BIN / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", url_as(owner, database)],
                                 input=gzip.open(ROOT / FIXTURE).read(), capture_output=True)
        assert restore.returncode == 0, restore.stderr.decode()[-2000:]
        env = {**process_env(), "DATABASE_URL": url_as(app, database), "DATABASE_OWNER_URL": url_as(owner, database),
               "INTERPRET_DATABASE_ROLE": "app", "INTERPRET_DATA_DIR": str(tmp_path / "data")}
        yield env, database
    finally:
        with psycopg.connect(superuser_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            for role in (app, owner):
                admin.execute(f'DROP ROLE IF EXISTS "{role}"')


def _tables_and_content_types(conn):
    tables = {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for (name,) in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'django_%' "
        "AND tablename NOT LIKE 'genomes_casevariant_p%'").fetchall()}
    content_types = dict(conn.execute("SELECT model, id FROM django_content_type WHERE model = ANY(%s) AND "
                                      "app_label IN ('interpret', 'core')", [list(MOVED)]).fetchall())
    return tables, content_types


@pytest.mark.worker
def test_a_database_made_before_the_move_upgrades_in_place(installation_from_before_the_move):
    env, database = installation_from_before_the_move
    with psycopg.connect(superuser_url(database)) as conn:
        tables_before, types_before = _tables_and_content_types(conn)
        assert conn.execute("SELECT count(*) FROM django_migrations WHERE app = 'interpret'").fetchone()[0] == 17
    assert set(types_before) == set(MOVED) and tables_before["interpret_user"] == 2

    upgraded = manage(env, "bootstrap")
    assert upgraded.returncode == 0, upgraded.stderr[-3000:]
    assert manage(env, "makemigrations", "--check", "--dry-run").returncode == 0

    with psycopg.connect(superuser_url(database)) as conn:
        tables_after, types_after = _tables_and_content_types(conn)
        # the same tables with the same rows (bootstrap adds nothing but audit rows of its own, migration rows, the
        # permissions of models added since, the built-in presets added since, and the tables of new models, empty)
        changing = ("interpret_auditevent", "auth_permission", "interpret_filterpreset")
        assert {t: n for t, n in tables_after.items() if t in tables_before and t not in changing} == \
            {t: n for t, n in tables_before.items() if t not in changing}
        from interpret.analysis.presets import BUILT_IN_PRESETS

        assert tables_after["interpret_filterpreset"] == len(BUILT_IN_PRESETS)  # each built-in once
        assert {t: n for t, n in tables_after.items() if t not in tables_before and n} == {}
        # the content types were renamed in place: permissions and the admin's log still point at them
        assert types_after == types_before
        labels = dict(conn.execute("SELECT model, app_label FROM django_content_type WHERE id = ANY(%s)",
                                   [list(types_after.values())]).fetchall())
        assert set(labels.values()) == {"core"}
        assert conn.execute("SELECT count(*) FROM django_content_type WHERE app_label = 'interpret' AND "
                            "model = ANY(%s)", [list(MOVED)]).fetchone()[0] == 0
        assert ("core", "0002_content_types_of_the_moved_models") in conn.execute(
            "SELECT app, name FROM django_migrations").fetchall()

    check = manage(env, "shell", "-c", """
from django.contrib.admin.models import LogEntry
from genomes.selectors import cases_visible_to
from core.models import ApiToken, Membership, User
from interpret.classification.models import Classification
from tests.factories import PASSWORD
gina = User.objects.get(username="gina")
assert gina.check_password(PASSWORD) and gina.has_perm("core.view_job")
assert Membership.objects.filter(user=gina, department__code="kg-upgrade").exists()
assert ApiToken.objects.filter(user=gina, name="batch").exists()
assert {c.identifier for c in cases_visible_to(gina)} == {"UPGRADE-1", "UPGRADE-NO-DATA"}
assert Classification.objects.filter(department__code="kg-upgrade", gene="AGRN").count() == 1
from genomes.models import Case
states = {c.identifier: (c.import_state, c.status, c.state) for c in Case.objects.all()}
assert states == {"UPGRADE-1": ("imported", "ready", "ready"),
                  "UPGRADE-NO-DATA": ("awaiting_data", "ready", "new")}, states
entry = LogEntry.objects.get(change_message="made by the fixture")
assert entry.get_edited_object() == gina
print("upgraded installation works")
""")
    assert check.returncode == 0 and "upgraded installation works" in check.stdout, check.stderr[-3000:]

    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE interpret_auditevent SET username = 'nobody'")
