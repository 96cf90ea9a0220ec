"""The schema on a Citus cluster (issue 30): `distribute` is refused on a database without the citus extension; on a
cluster (.ci/run's Citus pass: DATABASE_CITUS=1, CITUS_WORKERS) it has laid the tables out as genomes.distribution
says, is idempotent, every per-case statement of an analysis goes to one shard, and a variant's observations are
read from one shard (read off EXPLAIN)."""
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.citus import citus_installed
from genomes.distribution import PLAN
from genomes.models import Case, CaseVariant
from tests.genomes.importing.test_import_case import TRIO_PED, TRIO_VCF, import_case
from tests.public_data import public_file

pytestmark = pytest.mark.django_db


def on_citus() -> bool:
    with connection.cursor() as cursor:
        return citus_installed(cursor)


def require_citus():
    if not on_citus():
        pytest.skip("runs on a Citus cluster only (.ci/run's Citus pass)")


def task_counts(sql: str) -> list[int]:
    """The task count of every Citus scan in the statement's plan (one per distributed subplan)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return [int(n) for n in re.findall(r"Task Count: (\d+)", plan)]


def test_distribute_is_refused_on_a_database_without_citus():
    if on_citus():
        pytest.skip("a plain PostgreSQL database only")
    with pytest.raises(CommandError, match="the database has no citus extension: install Citus on every node"):
        call_command("distribute")


def test_the_cluster_has_the_planned_layout_and_distribute_is_idempotent():
    require_citus()
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name::text, citus_table_type, distribution_column FROM citus_tables")
        layout = {name: (kind, column) for name, kind, column in cursor.fetchall()}
    for table in PLAN.by_case:
        assert layout[table] == ("distributed", "case_id"), table
    for table in PLAN.by_variant:
        assert layout[table] == ("distributed", "variant_id"), table
    assert layout["genomes_variant"][0] == layout["genomes_case"][0] == layout["panels_panelversion"][0] == "reference"
    assert not set(PLAN.local) & set(layout) - {"interpret_job", "core_patientdatareads"}
    out = io.StringIO()
    call_command("distribute", stdout=out)
    assert out.getvalue().startswith("distributed 0 tables, 0 reference tables, 0 foreign keys dropped")


def test_every_per_case_statement_of_an_analysis_goes_to_one_shard_and_observations_to_one(department):
    require_citus()
    from genomes.observations import observation_rows
    from interpret.analysis.engine import run_analysis

    case_import, job = import_case(department, public_file(TRIO_PED), public_file(TRIO_VCF))
    assert job.state == "done", job.error
    case = Case.objects.get(pk=case_import.case_id)
    with CaptureQueriesContext(connection) as captured:
        result = run_analysis(case, {"genome_wide": True, "max_popmax": 1}, record=False)
    assert result.candidates
    per_case = [q["sql"] for q in captured.captured_queries
                if "genomes_casevariant" in q["sql"] and q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
    assert per_case, "the analysis read no case variants?"
    for sql in per_case:
        counts = task_counts(sql)
        assert counts and set(counts) == {1}, f"not a router statement ({counts}): {sql[:300]}"
    variant_id = CaseVariant.objects.filter(case=case).values_list("variant_id", flat=True).first()
    with CaptureQueriesContext(connection) as captured:
        observation_rows([variant_id])
    (read,) = [q["sql"] for q in captured.captured_queries if "genomes_variantobservation" in q["sql"]]
    assert set(task_counts(read)) == {1}, read[:300]
