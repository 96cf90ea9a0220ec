"""The record screen drops only what the reader would drop, and counts it exactly as the reader does."""
import gzip
import random

import cyvcf2
import pytest

from genomes.synthetic import CohortSpec, generate_cohort
from genomes.vcf import screen as screen_module
from genomes.vcf.evidence_fields import DEFAULT_INFO_FIELDS
from genomes.vcf.header import open_vcf
from genomes.vcf.records import ReadPolicy, VcfReader
from genomes.vcf.screen import GENOTYPE_CODES, CompiledRecordScreen, RecordScreen, record_screen
from tests.public_data import public_file

GTF = "gtf/grch38_chr1_head.ensembl.gtf.gz"


def read_all(path, policy):
    vcf, header = open_vcf(path)
    reader = VcfReader(vcf, header, policy)
    rows = list(reader.rows())
    return rows, reader.statistics.as_dict()


# Both screens must equal the reader: the compiled one (genomes/vcf/_screen.c, built by make: a missing build
# fails here rather than skipping) and the Python one it falls back to.
SCREENS = {"compiled": CompiledRecordScreen, "python": RecordScreen}


@pytest.fixture(params=list(SCREENS))
def screen_kind(request):
    if request.param == "compiled":
        assert screen_module._compiled is not None, "genomes/vcf/_screen.c is not built: make builds it"
    return request.param


def read_screened(path, policy, tmp_path, kind="compiled"):
    """The worker's pipeline in one process: screen the data lines, then the reader over what is left."""
    _, header = open_vcf(path)
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as handle:
        lines = handle.read().splitlines(keepends=True)
    head = b"".join(line for line in lines if line.startswith(b"#"))
    screen = SCREENS[kind](header, policy)
    data = [line for line in lines if not line.startswith(b"#")]
    undecided = b"".join(screen.screen_bytes(b"".join(data[i:i + 997])) for i in range(0, len(data), 997))
    left = tmp_path / "undecided.vcf"
    left.write_bytes(head + undecided)
    vcf, left_header = open_vcf(left, build=header.build)
    reader = VcfReader(vcf, left_header, policy, screened=True)  # as the import worker reads: no fast path
    rows = list(reader.rows())
    statistics = reader.statistics
    statistics.merge(screen.result())
    return rows, statistics.as_dict(), screen


def trio_policy(**overrides):
    return ReadPolicy(sample_columns=[0, 1, 2], info_fields=dict(DEFAULT_INFO_FIELDS), trio=(0, 1, 2), **overrides)


@pytest.fixture(scope="module")
def synthetic_trio(tmp_path_factory):
    out = tmp_path_factory.mktemp("screen")
    generate_cohort(CohortSpec(out_dir=out, gtf_paths=[public_file(GTF)], families=1, records=12000, seed=11,
                               cache_dir=out / "cache"))
    return out / "SYNTRIO0001.vcf.gz"


def test_genotype_codes_are_what_the_reader_reads_from_cyvcf2(tmp_path):
    texts = list(GENOTYPE_CODES)
    path = tmp_path / "gt.vcf"
    path.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=1,length=1000>\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(f"S{i}" for i in range(len(texts)))
        + "\n1\t5\t.\tA\tG\t.\t.\t.\tGT\t" + "\t".join(texts) + "\n")
    record = next(iter(cyvcf2.VCF(str(path), gts012=False)))
    reader_codes = VcfReader._genotypes([row[:-1] for row in record.genotype.array().tolist()], 1)
    assert reader_codes == [GENOTYPE_CODES[t] for t in texts]


def test_on_a_synthetic_wgs_trio_the_screened_import_equals_the_reader(synthetic_trio, tmp_path, screen_kind):
    expected_rows, expected = read_all(synthetic_trio, trio_policy())
    rows, statistics, screen = read_screened(synthetic_trio, trio_policy(), tmp_path, screen_kind)
    assert rows == expected_rows
    assert statistics == expected
    # The screen did the work: most records never reached cyvcf2.
    assert screen.statistics.records > 0.85 * expected["records"]
    assert expected["mendelian_sites"] > 1000 and expected["kept"] > 300


def test_edge_records_go_to_cyvcf2_and_the_outcome_is_unchanged(synthetic_trio, tmp_path, screen_kind):
    """Common records rewritten into every shape the screen must not decide itself."""
    with gzip.open(synthetic_trio, "rt") as handle:
        lines = handle.read().splitlines(keepends=True)
    header = [line for line in lines if line.startswith("#")]
    header.insert(-1, '##INFO=<ID=CLNSIG,Number=.,Type=String,Description="ClinVar significance">\n')
    common = [line for line in lines if not line.startswith("#") and "gnomAD_AF_popmax=0." in line
              and float(line.split("gnomAD_AF_popmax=")[1].split(";")[0]) > 0.2 and line.startswith("chr1\t")]
    rng = random.Random(3)

    def edit(line, column=None, value=None, info=None, sample=None):
        fields = line.rstrip("\n").split("\t")
        if column is not None:
            fields[column] = value
        if info:
            old, new = info
            fields[7] = fields[7].replace(old, new)
        if sample:
            index, text = sample
            fields[9 + index] = text + fields[9 + index][fields[9 + index].index(":"):]
        return "\t".join(fields) + "\n"

    def popmax(line, text):
        """INFO's popmax set to ``text``, and VEP's MAX_AF (the synthetic CSQ's second-to-last field) emptied: the
        reader's popmax is the highest of both, so the edited INFO value alone decides."""
        current = line.split("gnomAD_AF_popmax=")[1].split(";")[0]
        line = edit(line, info=(f"gnomAD_AF_popmax={current}", f"gnomAD_AF_popmax={text}"))
        fields = line.rstrip("\n").split("\t")
        head, _, csq = fields[7].partition("CSQ=")
        entries = []
        for entry in csq.split(","):
            parts = entry.split("|")
            parts[-2] = ""
            entries.append("|".join(parts))
        fields[7] = head + "CSQ=" + ",".join(entries)
        return "\t".join(fields) + "\n"

    edits = [
        lambda line: edit(line, sample=(0, "0/.")),              # half-missing: cyvcf2's own reading
        lambda line: edit(line, sample=(1, "./.")),
        lambda line: edit(line, sample=(2, "1|0")),
        lambda line: edit(line, sample=(0, "0/2")),
        lambda line: edit(line, column=6, value="LowQual"),
        lambda line: edit(line, column=4, value="g"),            # lower case
        lambda line: edit(line, column=4, value=line.split("\t")[4] + ",T"),  # multi-allelic
        lambda line: edit(line, column=4, value=line.split("\t")[3]),          # ALT = REF
        lambda line: edit(line, column=4, value="<DEL>"),
        lambda line: popmax(line, "0.05"),                        # at the threshold: kept
        lambda line: popmax(line, "0.0500000001"),                # float32 makes this 0.05
        lambda line: popmax(line, "."),
        lambda line: popmax(line, "0.3,0.2"),
        lambda line: popmax(line, "abc"),
        lambda line: edit(line, info=("gnomAD_AF_popmax=", "XgnomAD_AF_popmax=")),  # not the key
        lambda line: edit(line, info=("CADD_PHRED=", "CLNSIG=Benign;CADD_PHRED=")),
        lambda line: edit(line, info=("CADD_PHRED=", "CLNSIG=Pathogenic;CADD_PHRED=")),
        lambda line: edit(line, info=("|MODIFIER|", "|MODIFIER|likely_pathogenic")),
        lambda line: _with_gq(line, "."),
        lambda line: _with_gq(line, "12"),
        lambda line: _with_gq(line, "99.5"),
        lambda line: edit(line, sample=(0, "1/1")),               # a Mendelian error, if the parents allow
        lambda line: popmax(line, "3e-1"),                        # read alike by Python and C
        lambda line: popmax(line, " 0.3"),                        # Python reads it, C leaves it to cyvcf2
        lambda line: popmax(line, "inf"),
        lambda line: popmax(line, "nan"),
        lambda line: edit(line, info=("_variant|", "_variant&made_up_variant|")),  # a term no table knows
        lambda line: edit(line, info=("gnomAD_AF_popmax=", "gnomAD_AF_popmax=0.9;gnomAD_AF_popmax=")),  # first wins
        lambda line: _with_gq(line, "020"),
        lambda line: edit(line, column=3, value="AC") if len(line.split("\t")[3]) == 1 else line,  # trimmed
    ]
    data = []
    for i, line in enumerate(common[:400]):
        data.append(edits[i % len(edits)](line) if i % 2 else line)
    rng.shuffle(data)
    data.sort(key=lambda line: int(line.split("\t")[1]))
    path = tmp_path / "edges.vcf"
    path.write_text("".join(header) + "".join(data))
    policy = trio_policy()
    expected_rows, expected = read_all(path, policy)
    rows, statistics, screen = read_screened(path, policy, tmp_path, screen_kind)
    assert rows == expected_rows
    assert statistics == expected
    assert 200 <= screen.statistics.records < 340  # the untouched half, and some edits it may decide
    assert expected["kept"] > 10  # pathogenic, missing and threshold popmax are kept


def _with_gq(line, gq):
    fields = line.rstrip("\n").split("\t")
    keys = fields[8].split(":")
    position = keys.index("GQ")
    for column in (9, 10, 11):
        parts = fields[column].split(":")
        parts[position] = gq
        fields[column] = ":".join(parts)
    return "\t".join(fields) + "\n"


# The Scout demo files carry 1000 Genomes frequencies, no gnomAD: mapped, they give the screen real records to drop
# (numeric CLNSIG, SnpEff ANN before VEP CSQ, multi-allelic and filtered records among them).
THOUSAND_GENOMES = {**DEFAULT_INFO_FIELDS, "gnomad_af": ("1000GAF",), "gnomad_popmax": ("1000G_MAX_AF",)}


@pytest.mark.parametrize("vcf, samples, trio, fields, dropped", [
    ("scout-demo/643594.research.vcf.gz", [0, 1, 2], (0, 1, 2), THOUSAND_GENOMES, 150),
    ("scout-demo/643594.clinical.vcf.gz", [2, 0, 1], (0, 1, 2), THOUSAND_GENOMES, 150),
    ("scout-demo/643594.clinical.vcf.gz", [0, 1, 2], (0, 1, 2), DEFAULT_INFO_FIELDS, 0),
    ("scout-demo/vep104_annotated.vcf", [0], None, DEFAULT_INFO_FIELDS, 0),
])
def test_on_real_files_the_screened_import_equals_the_reader(vcf, samples, trio, fields, dropped, tmp_path,
                                                             screen_kind):
    path = public_file(vcf)
    policy = ReadPolicy(sample_columns=samples, info_fields=dict(fields), trio=trio, retention_max_popmax=0.01)
    expected_rows, expected = read_all(path, policy)
    rows, statistics, screen = read_screened(path, policy, tmp_path, screen_kind)
    assert rows == expected_rows
    assert statistics == expected
    assert screen.statistics.records >= dropped


def test_the_compiled_screen_is_chosen_where_it_fits():
    policy = trio_policy()
    assert screen_module._compiled is not None, "genomes/vcf/_screen.c is not built: make builds it"
    _, header = open_vcf(public_file("scout-demo/643594.clinical.vcf.gz"))
    assert isinstance(record_screen(header, policy), CompiledRecordScreen)
    many = ReadPolicy(sample_columns=list(range(7)), info_fields=dict(DEFAULT_INFO_FIELDS))
    assert not CompiledRecordScreen.fits(many)  # more samples than its dense pattern table: the Python screen
