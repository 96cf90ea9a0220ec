"""Large BGZF files are read by worker processes (record screen + reader) in parallel; the outcome equals the
import in the command's own process, without the screen."""
import pytest

from core.models import Department
from genomes.models import CaseImport, CaseVariant
from tests.genomes.importing.test_import_case import import_case
from tests.public_data import public_file


def imported(department, settings, workers, identifier, ped, vcf, in_process=False):
    settings.IMPORT_WORKERS = workers
    settings.IMPORT_PARALLEL_MIN_BYTES = 10**15 if in_process else 0
    case_import, job = import_case(department, ped, vcf, case_identifier=identifier)
    assert job.state == "done", job.error
    assert job.result["workers"] == workers
    rows = CaseVariant.objects.filter(case_id=case_import.case_id)
    fields = ("chrom", "pos", "ref", "alt", "genotypes", "depth", "genes", "worst_consequence", "variant_id")
    return CaseImport.objects.get(pk=case_import.pk), sorted(rows.values_list(*fields))


@pytest.mark.django_db(transaction=True)  # the workers commit through their own connections
def test_one_and_two_workers_store_exactly_what_the_in_process_reader_stores(patient_groups, settings, tmp_path):
    department = Department.objects.create(code="kg-par", name="Parallel")
    ped, vcf = public_file("scout-demo/643594.ped"), public_file("scout-demo/643594.clinical.vcf.gz")
    # 1000 Genomes frequencies as popmax, so the screen has common records to drop (tests/genomes/vcf/test_screen.py)
    field_map = tmp_path / "fields.json"
    field_map.write_text('{"gnomad_af": ["1000GAF"], "gnomad_popmax": ["1000G_MAX_AF"]}')
    settings.VARIANT_FIELD_MAP_FILE = str(field_map)
    settings.IMPORT_BATCH_ROWS = 40  # a dozen batches, stored one by one while the workers read on
    single, single_rows = imported(department, settings, 1, "SINGLE", ped, vcf, in_process=True)
    one, one_rows = imported(department, settings, 1, "ONE", ped, vcf)
    double, double_rows = imported(department, settings, 2, "DOUBLE", ped, vcf)
    assert double_rows == single_rows == one_rows and 300 < len(single_rows) < 680
    assert single.statistics["skipped"]["common_by_retention_policy"] > 100
    for key in (
        "records",
        "kept",
        "skipped",
        "by_type",
        "by_consequence",
        "het",
        "hom_alt",
        "mendelian_sites",
        "mendelian_errors",
    ):
        assert double.statistics[key] == single.statistics[key] == one.statistics[key], key
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM genomes_importstaging")
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_a_bad_record_in_a_workers_part_fails_the_import_naming_the_record_and_leaves_nothing(
    patient_groups, settings, tmp_path
):
    import gzip

    from genomes.models import Case, Variant
    from genomes.synthetic import BgzfWriter

    lines = gzip.open(public_file("scout-demo/643594.clinical.vcf.gz"), "rt").read().splitlines(keepends=True)
    data = [i for i, line in enumerate(lines) if not line.startswith("#")]
    bad = data[-20]  # in the second worker's part
    fields = lines[bad].split("\t")
    lines[bad] = "\t".join(["chr25", *fields[1:]])
    path = tmp_path / "bad.vcf.gz"
    writer = BgzfWriter(path)
    writer.write("".join(lines))
    writer.close()
    department = Department.objects.create(code="kg-bad", name="Bad")
    # Small batches: both workers commit staging rows, and the import stores some, before the bad record.
    settings.IMPORT_WORKERS, settings.IMPORT_PARALLEL_MIN_BYTES, settings.IMPORT_BATCH_ROWS = 2, 0, 20
    case_import, job = import_case(department, public_file("scout-demo/643594.ped"), path, case_identifier="BAD")
    assert job.state == "failed"
    assert "field CHROM: contig 'chr25' is not declared in the header" in job.error
    assert f"record at chr25:{fields[1]}" in job.error
    assert not Case.objects.filter(identifier="BAD").exists() and not Variant.objects.exists()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM genomes_importstaging")
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_a_truncated_bgzf_read_by_workers_fails_naming_the_file_and_leaves_nothing(patient_groups, settings, tmp_path):
    """The cut falls inside a block's body: only the record screen, decompressing, can notice it."""
    from genomes.models import Case, Variant
    from genomes.vcf.bgzf import block_offsets

    source = public_file("scout-demo/643594.clinical.vcf.gz")
    offsets = block_offsets(source)
    path = tmp_path / "cut.vcf.gz"
    path.write_bytes(source.read_bytes()[:offsets[-2] + 100])  # into the last data block
    department = Department.objects.create(code="kg-cut", name="Cut")
    settings.IMPORT_WORKERS, settings.IMPORT_PARALLEL_MIN_BYTES = 1, 0
    case_import, job = import_case(department, public_file("scout-demo/643594.ped"), path, case_identifier="CUT")
    assert job.state == "failed"
    assert str(path) in job.error and "unreadable compressed data" in job.error and "truncated" in job.error
    assert not Case.objects.filter(identifier="CUT").exists() and not Variant.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_import_waits_while_another_adds_national_variants_then_stores_all_its_batches(patient_groups, settings):
    """Imports add national variants one transaction at a time (genomes.importing.storage.NATIONAL_VARIANTS_LOCK):
    batch by batch in two transactions at once they could deadlock. The waiting import's workers read on."""
    import threading
    import time

    import psycopg

    from core.jobs import database_conninfo
    from genomes.importing.storage import NATIONAL_VARIANTS_LOCK

    department = Department.objects.create(code="kg-wait", name="Wait")
    settings.IMPORT_WORKERS, settings.IMPORT_PARALLEL_MIN_BYTES, settings.IMPORT_BATCH_ROWS = 2, 0, 40
    other_import = psycopg.connect(database_conninfo())
    other_import.execute("SELECT pg_advisory_xact_lock(%s)", [NATIONAL_VARIANTS_LOCK])
    released = []

    def finish_other_import():
        time.sleep(3)
        released.append(time.monotonic())
        other_import.commit()
        other_import.close()

    threading.Thread(target=finish_other_import).start()
    case_import, job = import_case(department, public_file("scout-demo/643594.ped"),
                                   public_file("scout-demo/643594.clinical.vcf.gz"), case_identifier="WAITED")
    assert released, "the import finished while another import held the national variants"
    assert job.state == "done", job.error
    assert job.result["variants_stored"] == CaseVariant.objects.filter(case_id=case_import.case_id).count() == 393


@pytest.mark.django_db(transaction=True)
def test_a_damaged_bgzf_block_read_by_workers_fails_naming_the_file_and_leaves_nothing(patient_groups, settings,
                                                                                     tmp_path):
    """Whole blocks, but one block's compressed data overwritten: the inflate error names the file."""
    from genomes.models import Case, Variant
    from genomes.vcf.bgzf import block_offsets

    source = public_file("scout-demo/643594.clinical.vcf.gz")
    offsets = block_offsets(source)
    data = bytearray(source.read_bytes())
    middle = offsets[len(offsets) // 2]
    data[middle + 30:middle + 230] = b"\xff" * 200
    path = tmp_path / "damaged.vcf.gz"
    path.write_bytes(bytes(data))
    department = Department.objects.create(code="kg-dmg", name="Damaged")
    settings.IMPORT_WORKERS, settings.IMPORT_PARALLEL_MIN_BYTES = 1, 0
    case_import, job = import_case(department, public_file("scout-demo/643594.ped"), path, case_identifier="DAMAGED")
    assert job.state == "failed"
    assert str(path) in job.error and "unreadable compressed data" in job.error and "damaged" in job.error
    assert not Case.objects.filter(identifier="DAMAGED").exists() and not Variant.objects.exists()
