"""Named people for permission tests (after healthchecks' Alice/Bob/Charlie).

- alice:  clinical geneticist in department A (owns ``case_a``)
- bob:    clinical geneticist in department B
- rita:   researcher in department A (aggregate data only)
- adam:   administrator in department A (no clinical role)
"""
import os

import pytest

from core.models import PatientGroup, Role
from core.patient_groups import patient_groups_sync
from tests.factories import make_case, make_department, make_user
from tests.processes import start_worker, stop


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On a Citus coordinator (CITUS_WORKERS="host:port,host:port"; .ci/run's Citus pass) the migrated test
    database becomes a cluster database and is laid out by `distribute`, as an installation would be."""
    workers = os.environ.get("CITUS_WORKERS")
    if workers:
        from django.core.management import call_command
        from django.db import connection

        from core.citus import citus_prepare

        settings = connection.settings_dict
        url = (f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}")
        nodes = [(host, int(port)) for host, port in (w.rsplit(":", 1) for w in workers.split(","))]
        with django_db_blocker.unblock():
            citus_prepare(url, nodes, coordinator=(settings["HOST"], int(settings["PORT"])),
                          fresh=True)
            call_command("distribute")
        # Citus's maintenance daemon keeps connections to a cluster database: the test database is dropped
        # with FORCE at the end, or the run's teardown fails on "being accessed by other users".
        creation = type(connection.creation)

        def drop_forced(self, test_database_name, verbosity):
            with self._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE {self.connection.ops.quote_name(test_database_name)} WITH (FORCE)")

        creation._destroy_test_db = drop_forced
    yield


@pytest.fixture(autouse=True, scope="session")
def fresh_shared_cache():
    """With Redis as cache (REDIS_URL), counters such as API throttling outlive a run; start clean."""
    from django.conf import settings

    if settings.REDIS_URL:
        from django.core.cache import cache

        cache.clear()


@pytest.fixture(autouse=True)
def generous_throttles(settings):
    """Tests make many calls from one address; the throttle tests set the limits they test."""
    settings.BAD_TOKENS_PER_MINUTE = 10_000
    settings.ANONYMOUS_API_CALLS_PER_MINUTE = 10_000
    settings.API_CALLS_PER_MINUTE_PER_USER = 100_000
    settings.LOGIN_ATTEMPTS_PER_MINUTE_PER_ADDRESS = 10_000


@pytest.fixture
def patient_groups(db):
    # Transactional tests flush the tables the data migration filled; restore them.
    patient_groups_sync()
    from interpret.analysis.presets import built_in_presets_sync

    built_in_presets_sync()


@pytest.fixture
def department(patient_groups):
    """The importing department of the import tests (modules that need another code override it)."""
    return make_department("kg-test", name="Clinical Genetics Test")


@pytest.fixture
def dept_a(patient_groups):
    return make_department("kg-a", name="Clinical Genetics A")


@pytest.fixture
def dept_b(patient_groups):
    return make_department("kg-b", name="Clinical Genetics B")


@pytest.fixture
def trio(dept_a):
    """The Scout demo trio 643594 (real GRCh37 VCF and pedigree) imported into department A's rare disease group,
    every record stored (the group's retention off): the workflow tests classify and report its SEMA4A call
    p.Arg713Gln, which is common (popmax 6%, ClinVar conflicting) and retention would otherwise not store."""
    from core.jobs import job_run
    from genomes.importing.prepare import case_import_prepare
    from tests.public_data import public_file

    PatientGroup.objects.filter(code="RARE").update(retention_popmax=None)
    case_import = case_import_prepare(
        patient_group=PatientGroup.objects.get(code="RARE"), department=dept_a, send_to_worker=False,
        ped_path=public_file("scout-demo/643594.ped"), vcf_path=public_file("scout-demo/643594.clinical.vcf.gz"))
    assert job_run(case_import.job_id).state == "done"
    return case_import.case


@pytest.fixture
def alice(dept_a):
    return make_user("alice", department=dept_a, role=Role.CLINICAL_GENETICIST)


@pytest.fixture
def bob(dept_b):
    return make_user("bob", department=dept_b, role=Role.CLINICAL_GENETICIST)


@pytest.fixture
def rita(dept_a):
    return make_user("rita", department=dept_a, role=Role.RESEARCHER)


@pytest.fixture
def adam(dept_a):
    return make_user("adam", department=dept_a, role=Role.ADMINISTRATOR)


@pytest.fixture
def case_a(dept_a):
    return make_case(department=dept_a, identifier="A-TRIO-001")


@pytest.fixture
def case_b(dept_b):
    return make_case(department=dept_b, identifier="B-SINGLE-001", analysis_type="singleton")


@pytest.fixture
def worker(transactional_db, tmp_path):
    """A real Celery worker process on the test database (tests using it commit their data)."""
    process = start_worker(tmp_path / "worker.log")
    yield process
    stop(process)


# The molecular tumor board's world (tests/interpret/somatic, the browser journey)
@pytest.fixture
def cancer_knowledge(patient_groups, django_user_model):
    """The shipped demo cancer gene list, hotspots and biomarker table (published by two curators)."""
    from interpret.demo.cancer_knowledge import demo_knowledge_load, demo_knowledge_publish
    from tests.factories import make_department

    network = make_department("kb-net", name="Knowledge curators")
    author = make_user("kb-author", department=network, role=Role.VARIANT_CURATOR)
    approver = make_user("kb-approver", department=network, role=Role.VARIANT_CURATOR)
    demo_knowledge_load()
    demo_knowledge_publish(author, approver)
    return author, approver


@pytest.fixture
def tumour_case(dept_a, cancer_knowledge):
    """Scout's cancer_test tumour/normal pair (freebayes/mutect/pindel, VEP-annotated), an AML."""
    from tests.interpret.somatic.conftest import import_tumour_case

    case, _ = import_tumour_case(dept_a, "scout-demo/cancer_test.ped", "scout-demo/cancer_test.vcf.gz",
                                 callable_mb=0.14)
    return case


@pytest.fixture
def oncologist(dept_a):
    return make_user("otto", department=dept_a, role=Role.TUMOR_BOARD_MEMBER)
