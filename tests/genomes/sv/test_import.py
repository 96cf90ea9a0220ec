"""Importing SV and CNV files into cases (issue 26): import_variants and import_case --sv-vcf on real files
(Scout's Manta trio, VarFish's DELLY trio, seqr's GATK-SV family), the import_case contract (JSON, exit 1, all or
nothing, bad input named), genes from VEP, SVAnnotate or the gene models, replacement by the same caller, and a
consent withdrawal taking the calls with it."""
import io
import json

import pytest
from django.core.management import call_command

from genomes.models import Case, StructuralVariant, StructuralVariantImport
from genomes.services import case_variants_withdraw
from tests.genomes.importing.test_import_case import import_case, write_ped
from tests.public_data import public_file

pytestmark = pytest.mark.django_db

GRCH37 = {"1": 249250621, "14": 107349540, "X": 155270560}
GRCH38 = {"chr1": 248956422, "chr5": 181538259, "chrX": 156040895}


def small_vcf(tmp_path, name, samples, contigs, chrom):
    """A one-record small-variant file for a family whose real data here are SV calls only."""
    lines = ["##fileformat=VCFv4.2"] + [f"##contig=<ID={c},length={n}>" for c, n in contigs.items()]
    lines += ['##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
              "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(samples),
              f"{chrom}\t1000000\t.\tA\tG\t50\tPASS\t.\tGT\t" + "\t".join("0/1" for _ in samples)]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def run(*args) -> tuple[int, dict | list, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    text = out.getvalue().strip()
    return code, (json.loads(text) if text else {}), err.getvalue()


@pytest.fixture
def scout_trio(department):
    _, job = import_case(department, public_file("scout-demo/643594.ped"),
                         public_file("scout-demo/643594.clinical.vcf.gz"))
    assert job.state == "done", job.error
    return Case.objects.get(identifier="643594")


def test_a_manta_trio_arrives_later_and_imports_with_its_genes_from_vep(scout_trio):
    code, outcome, _ = run("import_variants", "643594", "--kind", "sv", "--wait",
                           "--vcf", public_file("sv-cnv/scout-643594.clinical.SV.vcf.gz"))
    assert code == 0 and outcome["status"] == "done", outcome
    assert (outcome["caller"], outcome["records_read"], outcome["calls_stored"]) == ("manta", 19, 19)
    assert outcome["by_type"] == {"DEL": 13, "INS": 5, "DUP": 1}
    calls = StructuralVariant.objects.filter(case=scout_trio)
    assert calls.count() == 19
    de_novo_site = calls.get(chrom="4", start=861262)
    # the case's sample order: proband, father, mother
    assert de_novo_site.svtype == "DEL" and de_novo_site.genotypes == [1, 0, 0]
    assert de_novo_site.sample_calls[2] == {"gt": "0/0", "gq": 15.0, "pr": [1, 0], "sr": [2, 2], "ft": "PASS",
                                            "pl": [35, 0, 68]}
    with_genes = [c for c in calls if c.genes]
    assert with_genes and all(o["source"] == "vep" for c in with_genes for o in c.gene_overlaps)
    assert outcome["evidence"]["population_frequency"] in ("not annotated", ["1000 Genomes SV"])

    # The same caller again replaces its calls, in one transaction; the earlier file stays as history.
    code, again, _ = run("import_variants", "643594", "--kind", "sv", "--wait",
                         "--vcf", public_file("sv-cnv/scout-643594.clinical.SV.vcf.gz"))
    assert code == 0 and again["calls_stored"] == 19
    assert StructuralVariant.objects.filter(case=scout_trio).count() == 19
    assert list(StructuralVariantImport.objects.filter(case=scout_trio).order_by("pk")
                .values_list("is_current", flat=True)) == [False, True]

    # A consent withdrawal takes the calls with the small variants.
    from core.models import Role
    from tests.factories import make_user

    geneticist = make_user(department=scout_trio.department, role=Role.CLINICAL_GENETICIST)
    outcome = case_variants_withdraw(case=scout_trio, by=geneticist, reason="consent withdrawn")
    assert outcome["structural_calls_removed"] == 19
    assert not StructuralVariant.objects.filter(case=scout_trio).exists()
    assert not StructuralVariantImport.objects.filter(case=scout_trio, is_current=True).exists()


def test_a_delly_trio_stores_every_type_with_its_mate_and_genes_from_the_gene_models(department, tmp_path):
    ped = write_ped(tmp_path, "FAM\tNA12878\tNA12891\tNA12892\t2\t2\nFAM\tNA12891\t0\t0\t1\t1\n"
                              "FAM\tNA12892\t0\t0\t2\t1\n")
    vcf = small_vcf(tmp_path, "small.vcf", ["NA12878", "NA12891", "NA12892"], GRCH37, "1")
    code, outcome, err = run("import_case", "--patient-group", "RARE", "--department", department.code,
                             "--ped", str(ped), "--vcf", str(vcf), "--wait",
                             "--sv-vcf", public_file("sv-cnv/varfish-delly2-NA12878-trio.vcf"))
    assert code == 0, err
    (sv,) = outcome["structural_variants"]
    assert (sv["caller"], sv["calls_stored"], sv["by_type"]) == ("delly", 4, {"DEL": 1, "DUP": 1, "INV": 1, "BND": 1})
    breakend = StructuralVariant.objects.get(svtype="BND")
    assert (breakend.chrom, breakend.start, breakend.mate_chrom, breakend.mate_pos) == ("14", 93713177, "1", 9121445)
    deletion = StructuralVariant.objects.get(svtype="DEL")
    assert (deletion.start, deletion.end, deletion.length, deletion.cipos) == (1866284, 1867170, 887, [-56, 56])
    # the shipped GRCh37 extract ends before 1.87 Mb: the deletion is past its last gene, which it names nearest
    assert deletion.genes == [] and deletion.nearest_gene and deletion.genes_annotated


def test_gatk_sv_calls_inside_the_gene_model_extract_are_intergenic_with_svannotates_nearest_gene(department,
                                                                                                 tmp_path):
    samples = [f"RGP_164_{n}" for n in range(1, 6)]
    ped = write_ped(tmp_path, "F2\tRGP_164_1\t0\t0\t2\t1\nF2\tRGP_164_2\t0\t0\t1\t1\n"
                              "F2\tRGP_164_3\tRGP_164_2\tRGP_164_1\t2\t2\nF2\tRGP_164_4\tRGP_164_2\tRGP_164_1\t2\t1\n"
                              "F2\tRGP_164_5\tRGP_164_2\tRGP_164_1\t1\t1\n")
    vcf = small_vcf(tmp_path, "small38.vcf", samples, GRCH38, "chr1")
    code, outcome, err = run("import_case", "--patient-group", "RARE", "--department", department.code,
                             "--ped", str(ped), "--vcf", str(vcf), "--wait",
                             "--sv-vcf", public_file("sv-cnv/seqr-gatksv-sv_1.vcf"))
    assert code == 0, err
    assert outcome["structural_variants"][0]["calls_stored"] == 13
    inside_extract = StructuralVariant.objects.filter(chrom="1", start__lt=1_200_000).order_by("start")
    assert [(c.genes, c.nearest_gene) for c in inside_extract] == [
        ([], "OR4F5"), ([], "OR4F29"), ([], "OR4F29"), ([], "FBXO28")]
    intronic = StructuralVariant.objects.get(subtype="INS:ME:LINE1")
    assert intronic.gene_overlaps == [{"gene": "AGBL4", "overlap": "intronic", "source": "svannotate"}]
    loss = StructuralVariant.objects.get(subtype="dupINVdel")
    assert loss.gene_overlaps == [{"gene": "NBPF3", "overlap": "exons", "source": "svannotate"}]
    assert StructuralVariant.objects.get(subtype="INS:ME:ALU").population_af == pytest.approx(0.068963, abs=1e-6)


def test_bad_sv_input_is_named_and_nothing_is_stored(scout_trio, department, tmp_path):
    source = public_file("sv-cnv/varfish-delly2-NA12878-trio.vcf")
    code, _, err = run("import_variants", "643594", "--kind", "sv", "--wait", "--vcf", source)
    assert code == 1 and "NA12878" in err and "not samples of case 643594" in err
    assert not StructuralVariantImport.objects.exists()
    # a record that cannot be read fails the whole file, naming it and the record
    text = (tmp_path / "bad.vcf")
    lines = open(public_file("sv-cnv/varfish-delly2-NA12878-trio.vcf")).read().splitlines()
    header = [line.replace("NA12878\tNA12891\tNA12892", "ADM1059A2\tADM1059A1\tADM1059A3") for line in lines
              if line.startswith("#")]
    records = [line for line in lines if not line.startswith("#")]
    records[2] = "\t".join(records[2].split("\t")[:4])  # a record cut after REF
    text.write_text("\n".join(header + records) + "\n")
    code, outcome, err = run("import_variants", "643594", "--kind", "sv", "--wait", "--vcf", str(text))
    assert code == 1 and outcome["status"] == "failed"
    assert "bad.vcf" in err and not StructuralVariant.objects.exists()
    assert not StructuralVariantImport.objects.filter(is_current=True).exists()
    # import_case refuses an SV file of other samples before anything is stored
    cases = Case.objects.count()
    code, _, err = run("import_case", "--patient-group", "RARE", "--department", department.code,
                       "--ped", str(write_ped(tmp_path, "F\tS1\t0\t0\t1\t2\n")),
                       "--vcf", str(small_vcf(tmp_path, "s.vcf", ["S1"], GRCH37, "1")), "--wait", "--sv-vcf", source)
    assert code == 1 and "not in the pedigree" in err and Case.objects.count() == cases


def test_an_sv_file_of_another_build_is_refused_naming_it(department, tmp_path):
    """A GRCh37 SV file into a GRCh38 case: refused before anything is stored, naming the file and the contigs."""
    samples = ["NA12878", "NA12891", "NA12892"]
    ped = write_ped(tmp_path, "B\tNA12878\tNA12891\tNA12892\t2\t2\nB\tNA12891\t0\t0\t1\t1\nB\tNA12892\t0\t0\t2\t1\n")
    vcf = small_vcf(tmp_path, "b38.vcf", samples, GRCH38, "chr1")
    code, _, err = run("import_case", "--patient-group", "RARE", "--department", department.code, "--ped", str(ped),
                       "--vcf", str(vcf), "--wait")
    assert code == 0, err
    code, _, err = run("import_variants", "B", "--kind", "sv", "--wait", "--vcf",
                       public_file("sv-cnv/varfish-delly2-NA12878-trio.vcf"))
    assert code == 1 and "varfish-delly2-NA12878-trio.vcf" in err and "wrong genome build" in err
    assert not StructuralVariantImport.objects.exists()


def test_a_sites_field_map_names_the_sv_population_frequency_and_without_it_the_call_is_not_annotated(
        department, tmp_path, settings):
    from interpret.analysis.structural import SvSettings, structural_analysis

    text = open(public_file("handmade/cnv_grch38_trio.vcf")).read().replace(
        "##FORMAT=<ID=GT", '##INFO=<ID=MY_SV_AF,Number=1,Type=Float,Description="Site SV frequency">\n##FORMAT=<ID=GT',
        1).replace("SVLEN=300000\t", "SVLEN=300000;MY_SV_AF=0.02\t")
    sv_vcf = tmp_path / "site.vcf"
    sv_vcf.write_text(text)
    ped = write_ped(tmp_path, "F\tCHILD\tFATHER\tMOTHER\t1\t2\nF\tFATHER\t0\t0\t1\t1\nF\tMOTHER\t0\t0\t2\t1\n")
    vcf = small_vcf(tmp_path, "small.vcf", ["CHILD", "FATHER", "MOTHER"],
                    {**GRCH38, "chr13": 114364328, "chr15": 101991189}, "chr1")
    code, _, err = run("import_case", "--patient-group", "RARE", "--department", department.code, "--ped", str(ped),
                       "--vcf", str(vcf), "--wait", "--sv-vcf", str(sv_vcf))
    assert code == 0, err
    case = Case.objects.get(identifier="F")
    call = case.structural_variants.get(start=67000001)
    assert (call.population_af, call.population_source) == (None, "")  # not a field the defaults know
    (row,) = [r for r in structural_analysis(case, SvSettings()).rows if r["id"] == call.pk]
    assert row["population_source"] == "not annotated" and "4O" not in {p["code"] for p in row["cnv_points"]}
    field_map = tmp_path / "fields.json"
    field_map.write_text(json.dumps({"sv_population_af": ["MY_SV_AF"]}))
    settings.VARIANT_FIELD_MAP_FILE = str(field_map)
    code, _, err = run("import_variants", "F", "--kind", "sv", "--wait", "--vcf", str(sv_vcf))
    assert code == 0, err
    call = case.structural_variants.get(start=67000001)
    assert (call.population_af, call.population_source) == (0.02, "MY_SV_AF")
    (row,) = [r for r in structural_analysis(case, SvSettings()).rows if r["id"] == call.pk]
    assert "4O" in {p["code"] for p in row["cnv_points"]}
