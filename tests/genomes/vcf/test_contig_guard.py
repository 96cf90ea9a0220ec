"""A record on a contig the header does not declare, with a field htslib cannot parse, used to kill the reading
process (cyvcf2 0.35 hands on the half-read record: SIGSEGV). Through the import's reading path it is an error
naming the file, the line and the field; a header without ##contig lines still reads, its contigs declared for it.

The reading runs in a child process here, so that a regression fails one test instead of ending the suite."""
import gzip
import json
import subprocess
import sys

import pytest

from genomes.vcf.contig_guard import ContigGuard, contigs_in_file
from genomes.vcf.limits import ReadLimits
from tests.genomes.importing.test_import_case import TRIO_PED, database_snapshot, import_case
from tests.processes import ROOT
from tests.public_data import public_file

_TEXT = gzip.open(public_file("scout-demo/643594.clinical.vcf.gz")).read().decode()
HEADER = [line for line in _TEXT.splitlines() if line.startswith("#")]
RECORDS = [line for line in _TEXT.splitlines() if not line.startswith("#")]
NO_CONTIGS = [line for line in HEADER if not line.startswith("##contig")]

READ = """
import json, sys
from core.errors import InputFileError
from genomes.vcf.contig_guard import contig_guard
from genomes.vcf.evidence_fields import DEFAULT_INFO_FIELDS
from genomes.vcf.header import open_vcf
from genomes.vcf.limits import GuardedVcf, ReadLimits
from genomes.vcf.records import ReadPolicy, VcfReader
path, limits = sys.argv[1], ReadLimits()
_, header = open_vcf(path, limits=limits)
policy = ReadPolicy(sample_columns=[0, 1, 2], info_fields=dict(DEFAULT_INFO_FIELDS), trio=(0, 1, 2))
try:
    with GuardedVcf(path, limits, contig_guard(path, header, limits)).reading() as vcf:
        reader = VcfReader(vcf, header, policy)
        rows = list(reader.rows())
    print(json.dumps({"rows": len(rows), "skipped": dict(reader.statistics.skipped)}))
except InputFileError as error:
    print(json.dumps({"error": str(error)}))
"""


def with_fields(record: str, **changes) -> str:
    names = ["CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", "S1", "S2", "S3"]
    fields = record.split("\t")
    for name, value in changes.items():
        fields[names.index(name)] = value
    return "\t".join(fields)


def read_in_child(tmp_path, header, records) -> dict:
    path = tmp_path / "case.vcf"
    path.write_text("\n".join([*header, *records]) + "\n")
    done = subprocess.run([sys.executable, "-c", READ, str(path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, f"the reading process died ({done.returncode}): {done.stderr[-2000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("header,record,expected", [
    # the three shapes the property tests found: undeclared contig + a GT, an INFO, a QUAL htslib cannot read
    ("declared", with_fields(RECORDS[0], CHROM="chrUn_x", S1=";;;::"),
     "line {line}, field CHROM: contig 'chrUn_x' is not declared in the header"),
    ("declared", with_fields(RECORDS[0], CHROM="", POS=""), "line {line}, field CHROM: a record without a CHROM"),
    ("none", with_fields(RECORDS[0], S1="x/1"), "line {line}"),
    # htslib reads these two leniently once the contig is declared (as for any file that declares it):
    # what matters is that the process lives on
    ("none", with_fields(RECORDS[0], INFO="AC=x;AF=z"), None),
    ("none", with_fields(RECORDS[0], QUAL="qq"), None),
])
def test_a_bad_record_on_an_undeclared_contig_is_an_error_naming_its_line_not_a_crash(tmp_path, header, record,
                                                                                    expected):
    lines = HEADER if header == "declared" else NO_CONTIGS
    answer = read_in_child(tmp_path, lines, [RECORDS[1], record])
    if expected is None:
        assert answer.get("rows") == 2 or "error" in answer, answer
    else:
        assert expected.format(line=len(lines) + 2) in answer.get("error", ""), answer


def test_a_header_without_contig_lines_reads_as_before_with_its_contigs_declared_for_it(tmp_path):
    records = [RECORDS[0], with_fields(RECORDS[1], CHROM="GL000220.1", POS="100"), *RECORDS[2:40]]
    with_contigs = read_in_child(tmp_path, HEADER + [], records[:1] + records[2:])
    without = read_in_child(tmp_path, NO_CONTIGS, records)
    assert without["rows"] == with_contigs["rows"] > 0
    assert without["skipped"]["non_primary_contig"] >= 1  # the declared-for-it GL contig is skipped, as before
    used = sorted({record.split("\t")[0] for record in records})
    assert "GL000220.1" in used and contigs_in_file(tmp_path / "case.vcf", ReadLimits()) == used


def test_the_guard_finds_the_first_undeclared_contig_in_a_chunk_of_one_or_several_contigs():
    guard = ContigGuard(["1", "2"])
    assert guard.first_unknown(b"1\t5\n1\t6\n") is None
    assert guard.first_unknown(b"1\t5\n2\t6\n1\t7") is None
    assert guard.first_unknown(b"1\t5\nchr1\t6\n") == (1, b"chr1\t6")
    assert guard.first_unknown(b"1\t5\n1\t6\n1 \t7\n") == (2, b"1 \t7")  # not fooled by a prefix
    assert guard.first_unknown(b"1\t5\n1\t6\n12\t7\n") == (2, b"12\t7")
    assert guard.first_unknown(b"\t5\n") == (0, b"\t5")
    assert guard.first_unknown(b"1\t5\n\n2\t6\n1") == (3, b"1")  # an empty line is htslib's; "1" has no fields
    for chunk in (b"1\t5\n1\t6\n", b"1\t5\nchr1\t6\n", b"1\t5\n1\t6\n1 \t7\n", b"\t5\n", b"1\t5\n\n2\t6\n1"):
        assert guard.first_unknown(chunk) == guard._first_unknown_by_lines(chunk)  # with and without the C helper
    declaring = ContigGuard([], ["1", "X"])
    assert declaring.header(b"##fileformat=VCFv4.2\n#CHROM\tPOS\n") == (
        b"##fileformat=VCFv4.2\n##contig=<ID=1>\n##contig=<ID=X>\n#CHROM\tPOS\n")


@pytest.mark.django_db
def test_the_import_of_such_a_file_fails_naming_the_line_and_stores_nothing(department, tmp_path):
    path = tmp_path / "case.vcf"
    path.write_text("\n".join([*HEADER, RECORDS[0], with_fields(RECORDS[1], CHROM="chrUn_x", QUAL="qq")]) + "\n")
    before = database_snapshot()
    _, job = import_case(department, public_file(TRIO_PED), path)
    assert job.state == "failed"
    assert f"line {len(HEADER) + 2}, field CHROM: contig 'chrUn_x' is not declared" in job.error
    assert database_snapshot() == before
