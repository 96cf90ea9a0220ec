"""Property-based tests (hypothesis) of the VCF reader: whatever a file holds, reading it ends in rows or in an
InputFileError that names the file, never in another exception. Inputs are the Scout demo trio's first records,
mutated: fields replaced by random text, columns dropped or added, lines cut, bytes flipped."""
import gzip

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import InputFileError
from genomes.vcf.contig_guard import contig_guard
from genomes.vcf.evidence_fields import DEFAULT_INFO_FIELDS
from genomes.vcf.header import open_vcf
from genomes.vcf.limits import GuardedVcf, ReadLimits
from genomes.vcf.records import ReadPolicy, VcfReader
from tests.public_data import public_file

EXAMPLES = 300  # docs/reliability.md counts the inputs tried

_TEXT = gzip.open(public_file("scout-demo/643594.clinical.vcf.gz")).read().decode()
_LINES = _TEXT.splitlines()
HEADER = [line for line in _LINES if line.startswith("#")]
RECORDS = [line for line in _LINES if not line.startswith("#")][:40]

field_values = st.one_of(
    st.text(max_size=30), st.sampled_from(["", ".", "-1", "1e400", "nan", "inf", "chr25", "N" * 300, "<DEL>", "*",
                                           "0/1/2", "./.", "1|2", "A,C", "99999999999", "\t", ";;;", "=", "\\"]),
    st.integers(min_value=-2**40, max_value=2**40).map(str))


@st.composite
def mutated_records(draw):
    records = list(draw(st.lists(st.sampled_from(RECORDS), min_size=1, max_size=12)))
    for _ in range(draw(st.integers(min_value=1, max_value=5))):
        index = draw(st.integers(min_value=0, max_value=len(records) - 1))
        fields = records[index].split("\t")
        how = draw(st.sampled_from(["replace", "drop", "add", "cut", "info", "format"]))
        if how == "replace":
            fields[draw(st.integers(min_value=0, max_value=len(fields) - 1))] = draw(field_values)
        elif how == "drop" and len(fields) > 1:
            fields.pop(draw(st.integers(min_value=0, max_value=len(fields) - 1)))
        elif how == "add":
            fields.append(draw(field_values))
        elif how == "cut":
            fields = "\t".join(fields)[:draw(st.integers(min_value=0, max_value=200))].split("\t")
        elif how == "info" and len(fields) > 7:
            fields[7] = ";".join(draw(st.lists(st.sampled_from(["CSQ=" + draw(field_values), "CLNSIG=5",
                                                                  "GNOMADAF=" + draw(field_values), "X", "=1"]),
                                                 max_size=4))) or "."
        elif how == "format" and len(fields) > 9:
            fields[9] = ":".join(draw(st.lists(field_values, max_size=4)))
        records[index] = "\t".join(fields)
    return records


def read_all(path):
    """As the import reads a file: through the bounds and the contig guard, in a feeder process."""
    limits = ReadLimits()
    _, header = open_vcf(path, limits=limits)
    columns = list(range(min(3, len(header.samples))))
    policy = ReadPolicy(sample_columns=columns, info_fields=dict(DEFAULT_INFO_FIELDS),
                        trio=(0, 1, 2) if len(columns) == 3 else None)
    guarded = GuardedVcf(path, limits, contig_guard(path, header, limits))
    with guarded.reading() as vcf:
        return list(VcfReader(vcf, header, policy).rows())


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=mutated_records())
def test_a_mutated_vcf_reads_or_fails_with_an_error_naming_the_file(tmp_path, records):
    path = tmp_path / "mutated.vcf"
    path.write_text("\n".join(HEADER + records) + "\n")
    try:
        rows = read_all(path)
    except InputFileError as error:
        assert error.source == str(path) and error.problem
    else:
        assert all(row[0] and row[1] > 0 for row in rows)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header_lines=st.lists(st.one_of(st.sampled_from(HEADER[:-1]), st.text(max_size=60).map(lambda t: "##" + t)),
                             max_size=20),
       columns=st.sampled_from([HEADER[-1], HEADER[-1].replace("\tFORMAT", ""), "#CHROM\tPOS", "", "#chrom"]))
def test_a_mutated_header_opens_or_fails_with_an_error_naming_the_file(tmp_path, header_lines, columns):
    path = tmp_path / "header.vcf"
    path.write_text("\n".join(["##fileformat=VCFv4.2", *header_lines, columns, *RECORDS[:3]]) + "\n")
    try:
        read_all(path)
    except InputFileError as error:
        assert error.source == str(path)
