"""Decompression bombs and oversized VCFs end in a clear error, in bounded memory, with nothing stored."""
import gzip
import json
import subprocess
import sys
import time

import pytest
from django.test import override_settings
from django.urls import reverse

from core.errors import InputFileError
from genomes.vcf.bgzf import part_lines
from genomes.vcf.limits import LimitExceeded, ReadLimits, guarded_chunks, scan_header
from tests.genomes.importing.test_import_case import TRIO_PED, database_snapshot, import_case
from tests.processes import ROOT, process_env
from tests.public_data import public_file

HEADER = (b"##fileformat=VCFv4.2\n##contig=<ID=1,length=249250621>\n"
          b'##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n')
COLUMNS = b"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tADM1059A1\tADM1059A2\tADM1059A3\n"


def bomb_with_long_header_line(path, size=1 << 30):
    """~1 MB of gzip holding a 1 GiB header line."""
    with gzip.open(path, "wb", compresslevel=9) as handle:
        handle.write(HEADER + b"##note=")
        block = b"A" * (1 << 20)
        for _ in range(size >> 20):
            handle.write(block)
        handle.write(b"\n" + COLUMNS)
    return path


def bomb_with_long_info_value(path, size=1 << 30, bgzip=False):
    """A record whose INFO value is 1 GiB, after a normal header."""
    with gzip.open(path, "wb", compresslevel=9) as handle:
        handle.write(HEADER + COLUMNS + b"1\t1000\t.\tA\tG\t50\tPASS\tX=")
        block = b"B" * (1 << 20)
        for _ in range(size >> 20):
            handle.write(block)
        handle.write(b"\tGT\t0/1\t0/0\t0/0\n")
    if bgzip:  # the same text as BGZF blocks (level 9), as the parallel import reads them
        from genomes.synthetic import BgzfWriter

        plain = path.with_name("plain.vcf.gz")
        path.rename(plain)
        out = BgzfWriter(path, level=9)
        with gzip.open(plain, "rb") as source:
            while chunk := source.read(1 << 20):
                out.write(chunk.decode("ascii"))
        out.close()
        plain.unlink()
    return path


def test_a_header_bomb_is_refused_while_reading_the_header(tmp_path):
    path = bomb_with_long_header_line(tmp_path / "bomb.vcf.gz")
    assert path.stat().st_size < 2 << 20
    started = time.monotonic()
    with pytest.raises(LimitExceeded, match="expands more than 200 times|a line longer than") as refused:
        scan_header(path, ReadLimits())
    assert refused.value.source == str(path) and time.monotonic() - started < 5


def test_a_long_line_that_compresses_plainly_is_refused_by_its_length(tmp_path):
    import random

    path = tmp_path / "long.vcf.gz"
    rng = random.Random(1)
    with gzip.open(path, "wb") as handle:  # random bases: about 4x compression, under the expansion bound
        handle.write(HEADER + b"##note=" + bytes(rng.choice(b"ACGT") for _ in range(3 << 20)) + b"\n" + COLUMNS)
    with pytest.raises(LimitExceeded, match="line 4: a line longer than 1,048,576 bytes"):
        scan_header(path, ReadLimits(max_line_bytes=1 << 20))
    with pytest.raises(LimitExceeded, match="a header longer than"):
        scan_header(path, ReadLimits(max_header_bytes=1 << 20))
    assert sum(len(c) for c in guarded_chunks(path, ReadLimits())) > 3 << 20  # within the default bounds


def test_the_bounded_reader_passes_a_real_file_through_unchanged():
    path = public_file("scout-demo/643594.clinical.vcf.gz")
    assert b"".join(guarded_chunks(path, ReadLimits())) == gzip.open(path).read()


def test_the_part_reader_of_a_bgzf_file_refuses_a_line_that_grows_past_the_bound(tmp_path):
    from genomes.vcf.bgzf import block_offsets

    path = bomb_with_long_info_value(tmp_path / "bomb.vcf.gz", size=8 << 20, bgzip=True)
    limits = ReadLimits(max_line_bytes=1 << 20)
    with pytest.raises(LimitExceeded, match="a line longer than 1,048,576 bytes"):
        for _ in part_lines(path, block_offsets(path)[0], None, None, limits):
            pass


def _peak_rss_of_import(tmp_path, vcf, env_extra) -> tuple[int, dict, str]:
    """Run import_case --wait in a process of its own; its process tree's peak RSS (ru_maxrss of the children,
    measured by a small wrapper) in MB, the JSON it printed, and its stderr."""
    wrapper = tmp_path / "measure.py"
    wrapper.write_text(
        "import json, resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "print(json.dumps({'rss_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, "
        "'code': done.returncode, 'out': done.stdout, 'err': done.stderr[-3000:]}))\n")
    env = {**process_env(), **env_extra}
    measured = subprocess.run(
        [sys.executable, str(wrapper), sys.executable, "manage.py", "import_case", "--patient-group", "RARE",
         "--department", "kg-bomb", "--ped", str(public_file(TRIO_PED)), "--vcf", str(vcf), "--wait"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    result = json.loads(measured.stdout.strip().splitlines()[-1])
    return result["rss_mb"], result, result["err"]


@pytest.mark.django_db(transaction=True)  # the import runs in a process of its own, on committed data
@pytest.mark.parametrize("path_kind", ["in-process", "parallel workers"])
def test_an_info_value_bomb_fails_the_import_in_bounded_memory_and_stores_nothing(tmp_path, patient_groups,
                                                                                   path_kind):
    from core.models import Department

    Department.objects.create(code="kg-bomb", name="Bomb test")
    vcf = bomb_with_long_info_value(tmp_path / "bomb.vcf.gz", bgzip=path_kind == "parallel workers")
    assert vcf.stat().st_size < 4 << 20
    before = database_snapshot()
    env = {"IMPORT_PARALLEL_MIN_BYTES": "0" if path_kind == "parallel workers" else str(10 ** 12)}
    rss_mb, result, stderr = _peak_rss_of_import(tmp_path, vcf, env)
    assert result["code"] == 1, result
    assert "bomb.vcf.gz" in stderr and ("expands more than 200 times" in stderr or "a line longer than" in stderr)
    print(f"{path_kind}: peak RSS {rss_mb} MB, file {vcf.stat().st_size:,} bytes")  # docs/reliability.md
    assert rss_mb < 600, f"peak RSS {rss_mb} MB"  # the 1 GiB value was never held
    assert database_snapshot() == before


@pytest.mark.django_db
def test_an_uploaded_header_bomb_is_refused_with_a_clear_error_and_deleted(client, tmp_path, settings, alice):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    vcf = bomb_with_long_header_line(tmp_path / "bomb.vcf.gz")
    client.force_login(alice)
    started = time.monotonic()
    with open(public_file(TRIO_PED), "rb") as ped, open(vcf, "rb") as handle:
        response = client.post(reverse("case_import"), {"patient_group": "RARE", "department": "kg-a",
                                                        "pedigree": ped, "vcf": handle})
    assert response.status_code == 200 and time.monotonic() - started < 10
    assert b"bomb.vcf.gz: the file expands more than 200 times" in response.content
    assert b"uploads/" not in response.content  # named as uploaded, not by where it was stored
    assert not any((tmp_path / "uploads").iterdir())  # the rejected upload is gone


@pytest.mark.django_db
def test_the_bounds_come_from_the_settings(department, tmp_path):
    path = tmp_path / "case.vcf"
    path.write_bytes(gzip.open(public_file("scout-demo/643594.clinical.vcf.gz")).read())
    before = database_snapshot()
    with override_settings(VCF_MAX_HEADER_BYTES=1000):
        with pytest.raises(InputFileError, match="a header longer than 1,000 bytes"):
            import_case(department, public_file(TRIO_PED), path)
    assert database_snapshot() == before
