"""Reading SV and CNV VCFs of real callers (tests/data/sv-cnv, from Scout, seqr, VarFish and GATK): each caller
recognised by name from its header, exact record and call counts, types and subtypes, breakend mates, and
genotypes read from GT or, for copy-number callers, from CN against the copies a person of that sex has."""
import pytest

from genomes.sv.callers import caller_named, callers_of
from genomes.sv.reading import SvReading, Zygosity, read_structural_calls
from tests.public_data import public_file


def read(name: str, build: str = "GRCh37", **options):
    reading = SvReading(name, [], [])
    calls = list(read_structural_calls(public_file(f"sv-cnv/{name}"), build=build, reading=reading, **options))
    return reading, calls


@pytest.mark.parametrize("head, caller", [
    ("manta", "manta"), ("delly2", "delly"), ("gcnv", "gatk-gcnv"), ("dragen-sv", "dragen-sv"),
    ("dragen-cnv", "dragen-cnv"), ("melt", "melt"), ("xhmm", "xhmm"), ("generic", "vcf-sv"),
])
def test_every_callers_header_is_recognised_by_name(head, caller):
    reading, calls = read(f"caller-heads/{head}-head.vcf")
    assert [c.name for c in reading.callers] == [caller]
    assert calls and all(c.caller == caller for c in calls)


def test_a_merged_file_names_both_callers_and_a_user_may_name_one():
    reading, _ = read("scout-scout_example_tumor_only.SV.CNV.sorted.vcf.gz")
    assert [c.name for c in reading.callers] == ["cnvkit", "manta"]
    assert caller_named("GATK gCNV").name == "gatk-gcnv" and caller_named("delly").name == "delly"
    with pytest.raises(ValueError, match="unknown caller"):
        caller_named("lumpy")
    assert [c.name for c in callers_of("##fileformat=VCFv4.2\n")] == ["vcf-sv"]


@pytest.mark.parametrize("name, build, records, by_type", [
    ("scout-643594.clinical.SV.vcf.gz", "GRCh37", 19, {"DEL": 13, "INS": 5, "DUP": 1}),
    ("scout-scout_example_tumor_only.SV.CNV.sorted.vcf.gz", "GRCh37", 35, {"DEL": 13, "DUP": 21, "BND": 1}),
    ("seqr-gatksv-sv_1.vcf", "GRCh38", 13, {"CPX": 6, "INS": 3, "BND": 2, "DEL": 1, "DUP": 1}),
    ("varfish-delly2-NA12878-trio.vcf", "GRCh37", 4, {"DEL": 1, "DUP": 1, "INV": 1, "BND": 1}),
    ("gatk-gcnv-clustered.1000G.vcf.gz", "GRCh37", 864, {"DEL": 509, "DUP": 355}),
])
def test_exact_record_and_call_counts_on_every_file(name, build, records, by_type):
    reading, calls = read(name, build)
    assert reading.records == records and reading.calls == len(calls) == records
    assert reading.by_type == by_type


def test_gcnv_reference_segments_are_read_and_not_calls():
    reading, calls = read("gatk-gcnv-segments_SAMPLE_000.vcf")
    assert (reading.records, reading.reference_records, calls) == (5, 5, [])


def test_delly_trio_stores_each_type_with_its_mate():
    _, calls = read("varfish-delly2-NA12878-trio.vcf")
    by_type = {c.svtype: c for c in calls}
    deletion = by_type["DEL"]
    assert (deletion.chrom, deletion.start, deletion.end, deletion.length) == ("1", 1866284, 1867170, 887)
    assert deletion.cipos == (-56, 56) and deletion.caller == "delly"
    assert [s.zygosity for s in deletion.samples] == ["het", "het", "ref"]
    breakend = by_type["BND"]
    assert (breakend.chrom, breakend.start, breakend.mate_chrom, breakend.mate_pos) == ("14", 93713177, "1", 9121445)
    assert by_type["INV"].end == 25614267 and by_type["DUP"].length == 601


def test_gatk_sv_subtypes_and_breakend_mates():
    _, calls = read("seqr-gatksv-sv_1.vcf", "GRCh38")
    subtypes = sorted({c.subtype for c in calls if c.subtype})
    assert subtypes == ["INS:ME:ALU", "INS:ME:LINE1", "INS:ME:SVA", "INVdup", "delINV", "dupINV", "dupINVdel"]
    first = calls[0]
    assert (first.svtype, first.mate_chrom, first.mate_pos) == ("BND", "5", 20404)
    assert first.filters == ("HIGH_SR_BACKGROUND", "UNRESOLVED") and not first.passed
    assert [s.sample for s in first.samples] == ["RGP_164_1", "RGP_164_2", "RGP_164_3", "RGP_164_4", "RGP_164_5"]


def test_gcnv_carriers_are_counted_from_copy_numbers_and_male_x_at_one_copy_is_the_reference():
    reading, calls = read("gatk-gcnv-clustered.1000G.vcf.gz")
    autosomal = sum(1 for c in calls if c.chrom not in ("X", "Y") for s in c.samples if s.carries)
    assert autosomal == 2317
    males = {sample: "male" for sample in reading.samples}
    _, as_males = read("gatk-gcnv-clustered.1000G.vcf.gz", sexes=males)
    females = {sample: "female" for sample in reading.samples}
    _, as_females = read("gatk-gcnv-clustered.1000G.vcf.gz", sexes=females)

    def x_calls(calls, copies):
        return [s for c in calls if c.chrom == "X" for s in c.samples if s.cn == copies]

    one_copy_male, one_copy_female = x_calls(as_males, 1), x_calls(as_females, 1)
    assert one_copy_male and all(s.zygosity == Zygosity.REF for s in one_copy_male)
    assert all(s.zygosity == Zygosity.HET for s in one_copy_female)
    assert all(s.zygosity == Zygosity.HEMI for s in x_calls(as_males, 0))
    assert all(s.zygosity == Zygosity.HOM for s in x_calls(as_females, 0))


def test_one_xhmm_record_of_two_alleles_is_two_calls_and_the_sample_carries_the_duplication():
    _, calls = read("caller-heads/xhmm-head.vcf")
    assert [(c.svtype, c.samples[0].zygosity) for c in calls] == [("DEL", "ref"), ("DUP", "het")]


def test_tumour_only_calls_without_genotypes_are_carried_without_a_zygosity():
    _, calls = read("scout-scout_example_tumor_only.SV.CNV.sorted.vcf.gz")
    manta = [c for c in calls if c.identifier.startswith("Manta")]
    assert manta and all(c.samples[0].zygosity == Zygosity.CALLED and c.samples[0].carries for c in manta)
    assert manta[0].samples[0].sr is not None
