"""Importing real cases (public files in tests/data and the demo folders), and refusing bad input without changing
the database."""

import gzip
import json
import subprocess
import sys

import cyvcf2
import pytest

from core.errors import InputFileError
from core.jobs import job_run
from core.models import PatientGroup
from genomes.importing.prepare import CaseImportError, case_import_prepare
from genomes.models import Case, CaseImport, CaseVariant, Individual, Sample, Variant
from tests.processes import ROOT, process_env
from tests.public_data import public_file

TRIO_VCF = "scout-demo/643594.clinical.vcf.gz"
TRIO_PED = "scout-demo/643594.ped"


def import_case(department, ped, vcf, group="RARE", **options):
    case_import = case_import_prepare(
        patient_group=PatientGroup.objects.get(code=group), department=department, ped_path=ped, vcf_path=vcf,
        send_to_worker=False, **options)
    job = job_run(case_import.job_id)
    return case_import, job


def database_snapshot():
    return {model.__name__: model.objects.count()
            for model in (Case, Individual, Sample, CaseImport, Variant, CaseVariant)}


def write_ped(tmp_path, text, name="case.ped"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.django_db
def test_the_scout_demo_trio_imports_with_all_its_records_and_csq_fields(department):
    case_import, job = import_case(department, public_file(TRIO_PED), public_file(TRIO_VCF))
    assert job.state == "done", job.error
    case = Case.objects.get(pk=case_import.case_id)
    assert (case.identifier, case.analysis_type, case.status, case.genome_build) == (
        "643594",
        "trio",
        "ready",
        "GRCh37",
    )
    file_records = sum(1 for _ in cyvcf2.VCF(str(public_file(TRIO_VCF))))
    case_import.refresh_from_db()
    assert case_import.records_read == file_records == 680
    # Scout/MIP's frequencies (ExAC, 1000 Genomes and SweRef maxima) are read: the 289 records above the RARE
    # group's retention frequency (5%) without a ClinVar (likely) pathogenic assertion are counted, not stored.
    assert case_import.variants_stored == CaseVariant.objects.filter(case_id=case.pk).count() == 393
    assert case_import.statistics["skipped"] == {"common_by_retention_policy": 287}
    evidence = case_import.statistics["evidence_sources"]
    assert (
        evidence["gnomad_popmax"] == "INFO/EXACMAX_AF, INFO/EXACMAXAF, INFO/1000G_MAX_AF, INFO/SWEREFAF, INFO/SWEGENAF"
    )
    assert evidence["gnomad_af"] == "INFO/EXACAF" and evidence["clinvar"] == "INFO/CLNSIG"
    assert case_import.annotation_source == "CSQ"
    samples = list(case.samples.order_by("position").values_list("vcf_sample_name", flat=True))
    assert samples == ["ADM1059A2", "ADM1059A1", "ADM1059A3"]  # proband, father, mother
    assert case.individuals.get(is_proband=True).individual_id == "ADM1059A2"
    # A record checked against the file: 1:7879627 C>G rs10462018, intron of PER3, FORMAT GT:DP:GQ:PP.
    row = CaseVariant.objects.get(case_id=case.pk, chrom="1", pos=7879627)
    assert (row.ref, row.alt, row.rsid, row.genes, row.worst_consequence) == (
        "C",
        "G",
        "rs10462018",
        ["PER3"],
        "intron_variant",
    )
    assert row.genotypes == [0, -1, 0]          # proband 0/0, father 0/. (missing), mother 0/0
    assert row.depth == [23, 22, 25] and row.genotype_quality == [48, 99, 78]
    assert any(t.get("hgvsc") == "ENST00000361923.2:c.1634+147C>G" and t.get("canonical") for t in row.transcripts)
    stats = case_import.statistics
    assert stats["by_type"]["snv"] == 417
    # Mendelian checks count PASS sites with GQ >= 20 in all three; this curated trio has none inconsistent.
    assert (stats["mendelian_sites"], stats["mendelian_errors"]) == (326, 0)


@pytest.mark.django_db
def test_cancer_tumour_normal_and_tumour_only_import_as_somatic_cases(department, tmp_path):
    paired, job = import_case(
        department,
        public_file("scout-demo/cancer_test.ped"),
        public_file("scout-demo/cancer_test.vcf.gz"),
        group="CANCER-ADULT",
        analysis_type="tumour_normal",
        case_identifier="T-N-1",
    )
    assert job.state == "done", job.error
    roles = dict(paired.case.samples.values_list("vcf_sample_name", "role"))
    assert roles == {"999-99": "tumour", "998-99": "normal"}
    assert CaseVariant.objects.filter(case_id=paired.case_id).count() == 10
    first = CaseVariant.objects.filter(case_id=paired.case_id).order_by("xpos").first()
    assert first.allele_fraction[0] > 0 and first.depth[0] > 0  # tumour VAF and depth from VarDict's AF/DP

    ped = write_ped(tmp_path, "tumour\tTUMOR\t0\t0\t0\t2\n")
    alone, job = import_case(
        department,
        ped,
        public_file("scout-demo/scout_example_tumor_only.snv.indel.sorted.vcf.gz"),
        group="CANCER-ADVANCED",
        analysis_type="tumour_only",
        case_identifier="T-ONLY-1",
    )
    assert job.state == "done", job.error
    row = CaseVariant.objects.filter(case_id=alone.case_id).order_by("xpos").first()
    assert row.allele_fraction == [0.1122] and row.alt_reads == [56] and row.depth == [499]


@pytest.mark.django_db
@pytest.mark.parametrize("relative,build,gene", [
    ("scout-demo/vep97_annotated_clnsig_conservation_revel.vcf", "GRCh37", "AGRN"),
    ("scout-demo/vep104_annotated.vcf", "GRCh37", "NPHP4"),  # GRCh37 by its contigs and PROVENANCE.md
    ("scout-demo/vep113_existing_variation.vcf", "GRCh38", "FBN1"),
])
def test_single_record_vep_files_of_three_versions_import(department, tmp_path, relative, build, gene):
    sample = cyvcf2.VCF(str(public_file(relative))).samples[0]
    ped = write_ped(tmp_path, f"f\t{sample}\t0\t0\t1\t2\n")
    case_import, job = import_case(department, ped, public_file(relative), build=build, case_identifier=f"VEP-{gene}")
    assert job.state == "done", job.error
    row = CaseVariant.objects.get(case_id=case_import.case_id)
    assert gene in row.genes and row.is_annotated and row.transcripts


@pytest.mark.django_db
def test_a_bcsq_only_vcf_imports_unannotated_with_a_warning(department):
    case_import, job = import_case(
        department, public_file("slivar/ashk-trio.ped"), public_file("slivar/ashk-trio.vcf.gz")
    )
    assert job.state == "done", job.error
    assert any("no VEP CSQ or SnpEff ANN" in w and "BCSQ" in w for w in case_import.warnings)
    rows = CaseVariant.objects.filter(case_id=case_import.case_id)
    assert rows.count() == 9940 and not rows.filter(is_annotated=True).exists()
    # PROVENANCE.md counts 27 sites written "0/1" in HG002 with both parents 0/0; 4 more are
    # written "1/0", the same heterozygous genotype: 31 de novo-pattern sites.
    assert rows.filter(genotypes=[1, 0, 0]).count() == 31


@pytest.mark.django_db
def test_the_same_file_is_refused_a_second_time_unless_replace_is_asked_and_replace_is_atomic(department):
    first, _ = import_case(department, public_file(TRIO_PED), public_file(TRIO_VCF))
    before = database_snapshot()
    with pytest.raises(CaseImportError, match="already imported into case 643594; use --replace"):
        import_case(department, public_file(TRIO_PED), public_file(TRIO_VCF))
    assert database_snapshot() == before
    second, job = import_case(
        department, public_file(TRIO_PED), public_file("scout-demo/643594.research.vcf.gz"), replace=True
    )
    assert job.state == "done", job.error
    rows = CaseVariant.objects.filter(case_id=first.case_id)
    assert rows.count() == 390 and set(rows.values_list("case_import_id", flat=True)) == {second.pk}
    assert Variant.objects.count() == 390  # the national variants only the replaced file had are gone
    first.refresh_from_db()
    assert not first.is_current and second.case.imports.get(is_current=True) == second


def truncated_gzip(tmp_path):
    data = public_file(TRIO_VCF).read_bytes()
    path = tmp_path / "truncated.vcf.gz"
    path.write_bytes(data[: len(data) // 2])
    return path


def trio_vcf_with(tmp_path, mutate):
    """The trio VCF with its 5th record changed by ``mutate(fields) -> fields``."""
    lines = gzip.open(public_file(TRIO_VCF), "rt").read().splitlines()
    first_record = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    target = first_record + 4
    lines[target] = "\t".join(mutate(lines[target].split("\t")))
    path = tmp_path / "changed.vcf"
    path.write_text("\n".join(lines) + "\n")
    return path, target + 1


def not_a_vcf(tmp_path):
    path = tmp_path / "notes.vcf"
    path.write_text("this is a spreadsheet\n1\t2\t3\n")
    return path


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["not_a_vcf", "truncated_gzip", "malformed_pos", "unknown_contig", "missing_gt",
                                  "sample_not_in_vcf", "wrong_build"])
def test_bad_input_is_refused_naming_file_line_and_field_and_the_database_is_unchanged(department, tmp_path, case):
    ped, build = public_file(TRIO_PED), None
    expected_line = None
    if case == "not_a_vcf":
        vcf, message = not_a_vcf(tmp_path), "not a VCF file"
    elif case == "truncated_gzip":
        vcf, message = truncated_gzip(tmp_path), "gzip file is truncated"
    elif case == "malformed_pos":
        vcf, expected_line = trio_vcf_with(tmp_path, lambda f: [f[0], "12x45", *f[2:]])
        message = "field POS: '12x45' is not a position"
    elif case == "unknown_contig":
        vcf, expected_line = trio_vcf_with(tmp_path, lambda f: ["chr25", *f[1:]])
        message = "field CHROM: contig 'chr25' is not declared in the header"
    elif case == "missing_gt":
        vcf, expected_line = trio_vcf_with(tmp_path, lambda f: [*f[:8], "DP", "10", "11", "12"])
        message = "field FORMAT: no GT"
    elif case == "sample_not_in_vcf":
        vcf = public_file(TRIO_VCF)
        ped = write_ped(tmp_path, "643594\tADM1059A2\t0\t0\t1\t2\n643594\tNOT_SEQUENCED_HERE\t0\t0\t2\t1\n")
        message = ("pedigree sample.s. NOT_SEQUENCED_HERE not in the VCF; the pedigree has ADM1059A2, "
                   "NOT_SEQUENCED_HERE; the VCF has ADM1059A1, ADM1059A2, ADM1059A3")
    else:
        vcf, build = public_file(TRIO_VCF), "GRCh38"
        message = "wrong genome build: GRCh38 was asked for, but the header's contig lengths are GRCh37"
    before = database_snapshot()
    try:
        case_import, job = import_case(department, ped, vcf, build=build)
    except (InputFileError, CaseImportError) as exc:
        error = str(exc)
    else:
        assert job.state == "failed"
        error = job.error
    import re

    assert re.search(message, error), error
    assert str(vcf) in error or str(ped) in error
    if expected_line:
        assert f"line {expected_line}," in error
    assert database_snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_import_case_command_prints_json_and_exits_1_with_the_error_on_stderr(department, tmp_path):
    base = [sys.executable, "manage.py", "import_case", "--patient-group", "RARE", "--department", "kg-test",
            "--ped", str(public_file(TRIO_PED))]
    done = subprocess.run([*base, "--vcf", str(public_file(TRIO_VCF)), "--wait"], cwd=ROOT, env=process_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert {k: outcome[k] for k in ("case", "status", "records_read", "variants_stored", "genome_build")} == {
        "case": "643594", "status": "done", "records_read": 680, "variants_stored": 393, "genome_build": "GRCh37"}
    assert (Case.objects.get(identifier="643594").import_state, Case.objects.get(identifier="643594").status) == (
        "imported", "ready")

    bad = subprocess.run([*base, "--vcf", str(not_a_vcf(tmp_path)), "--case-id", "OTHER", "--wait"], cwd=ROOT,
                         env=process_env(), capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1
    assert "notes.vcf, line 1" in bad.stderr and "not a VCF file" in bad.stderr
    assert not Case.objects.filter(identifier="OTHER").exists()


MULTIALLELIC_VCF = """##fileformat=VCFv4.2
##contig=<ID=chr1,length=248956422>
##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|HGVSc">
##INFO=<ID=gnomAD_AF_popmax,Number=A,Type=Float,Description="popmax">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tKID\tDAD\tMUM
chr1\t1000\t.\tCAG\tC,CAGAG\t50\tPASS\tgnomAD_AF_popmax=0.001,0.2;CSQ=-|frameshift_variant|HIGH|AGRN|ENSG1|Transcript|ENST1|protein_coding|c.1_2del,AGAG|inframe_insertion|MODERATE|AGRN|ENSG1|Transcript|ENST1|protein_coding|c.2_3dup\tGT:AD:DP\t1/2:1,10,9:20\t0/1:10,10,0:20\t0/2:11,0,9:20
chr1\t2000\t.\tA\tG,*\t50\tPASS\tgnomAD_AF_popmax=0.001,.\tGT:AD:DP\t0/1:10,10,0:20\t0/0:20,0,0:20\t0/1:10,10,0:20
"""  # noqa: E501 (a VCF header line as the annotators write it)


@pytest.mark.django_db
def test_a_multiallelic_record_is_split_trimmed_and_each_alt_keeps_its_own_consequence_and_frequency(
    department, tmp_path
):
    vcf = tmp_path / "multi.vcf"
    vcf.write_text(MULTIALLELIC_VCF)
    ped = write_ped(tmp_path, "f\tKID\tDAD\tMUM\t1\t2\nf\tDAD\t0\t0\t1\t1\nf\tMUM\t0\t0\t2\t1\n")
    case_import, job = import_case(department, ped, vcf, case_identifier="MULTI")
    assert job.state == "done", job.error
    rows = {(r.pos, r.ref, r.alt): r for r in CaseVariant.objects.filter(case_id=case_import.case_id)}
    deletion = rows[(1000, "CAG", "C")]
    assert deletion.worst_consequence == "frameshift_variant" and deletion.gnomad_popmax == 0.001
    assert deletion.genotypes == [3, 1, 0]         # kid 1/2: het with another ALT; dad 0/1; mum 0/2: no copy
    assert (deletion.ref_reads, deletion.alt_reads) == ([1, 10, 11], [10, 10, 0])
    # allele balance is this allele's reads over all reads at the site: the kid's 1/2 with AD 1,10,9 is 10/20,
    # not 10/(1+10); each split row keeps the sample's genotype at the site (the mother's 0/2 stays 0/2)
    assert deletion.allele_fraction == [0.5, 0.5, 0.0]
    assert deletion.site_genotypes == ["1/2", "0/1", "0/2"]
    # The insertion (ALT 2) is common (popmax 0.2): dropped by the retention policy, counted.
    assert (1000, "C", "CAG") not in rows and len(rows) == 2
    assert rows[(2000, "A", "G")].genotypes == [1, 0, 1]  # the '*' allele is skipped, not stored
    stats = CaseImport.objects.get(pk=case_import.pk).statistics
    assert stats["skipped"] == {"common_by_retention_policy": 1, "spanning_deletion": 1}


@pytest.mark.django_db
def test_the_retention_threshold_is_configured_per_patient_group(department, tmp_path):
    group = PatientGroup.objects.get(code="HEART")
    group.retention_popmax = None  # keep everything
    group.save()
    vcf = tmp_path / "multi.vcf"
    vcf.write_text(MULTIALLELIC_VCF)
    ped = write_ped(tmp_path, "f\tKID\tDAD\tMUM\t1\t2\nf\tDAD\t0\t0\t1\t1\nf\tMUM\t0\t0\t2\t1\n")
    case_import, job = import_case(department, ped, vcf, group="HEART", case_identifier="KEEP-ALL")
    assert job.state == "done", job.error
    assert CaseVariant.objects.filter(case_id=case_import.case_id).count() == 3


def trio_text(transform_header=None, transform_record=None) -> str:
    lines = gzip.open(public_file(TRIO_VCF), "rt").read().splitlines(keepends=True)
    out = []
    for line in lines:
        if line.startswith("#"):
            out.append(transform_header(line) if transform_header else line)
        else:
            out.append(transform_record(line) if transform_record else line)
    return "".join(line for line in out if line)


@pytest.mark.django_db
def test_vcf_sample_names_that_extend_the_pedigree_ids_are_matched_with_a_warning(department, tmp_path):
    def rename(line):
        if line.startswith("#CHROM"):
            return line.replace("ADM1059A1", "ADM1059A1_sample").replace("ADM1059A2", "ADM1059A2_sample")
        return line
    vcf = tmp_path / "renamed.vcf"
    vcf.write_text(trio_text(rename))
    case_import, job = import_case(department, public_file(TRIO_PED), vcf, case_identifier="RENAMED")
    assert job.state == "done", job.error
    assert any("'ADM1059A2' matched to VCF sample 'ADM1059A2_sample' by name prefix" in w for w in case_import.warnings)
    assert (
        dict(case_import.case.samples.values_list("individual__individual_id", "vcf_sample_name"))["ADM1059A1"]
        == "ADM1059A1_sample"
    )


@pytest.mark.django_db
def test_an_explicit_sample_map_and_extra_vcf_samples_ignored_with_a_warning(department, tmp_path):
    ped = write_ped(tmp_path, "solo\tPROBAND-7\t0\t0\t1\t2\n")
    case_import, job = import_case(department, ped, public_file(TRIO_VCF), case_identifier="SOLO",
                                   sample_map={"PROBAND-7": "ADM1059A2"})
    assert job.state == "done", job.error
    assert "VCF sample(s) not in the pedigree are ignored: ADM1059A1, ADM1059A3" in case_import.warnings
    assert case_import.case.analysis_type == "singleton"
    assert CaseVariant.objects.filter(case_id=case_import.case_id, genotypes=[1]).exists()


@pytest.mark.django_db
def test_a_plain_gzip_vcf_imports_like_the_bgzip_original(department, tmp_path):
    plain = tmp_path / "plain.vcf.gz"
    with gzip.open(plain, "wt") as out:  # Python's gzip: one member, not BGZF
        out.write(trio_text())
    case_import, job = import_case(department, public_file(TRIO_PED), plain, case_identifier="PLAIN-GZ")
    assert job.state == "done", job.error
    assert CaseVariant.objects.filter(case_id=case_import.case_id).count() == 393


@pytest.mark.django_db
def test_a_snpeff_ann_only_vcf_is_annotated_from_ann(department, tmp_path):
    import re

    def drop_csq_header(line):
        return "" if line.startswith("##INFO=<ID=CSQ,") else line

    def drop_csq(line):
        fields = line.split("\t")
        fields[7] = ";".join(part for part in fields[7].split(";") if not part.startswith("CSQ="))
        return "\t".join(fields)
    vcf = tmp_path / "ann_only.vcf"
    vcf.write_text(trio_text(drop_csq_header, drop_csq))
    assert not re.search(r"CSQ=", vcf.read_text())
    case_import, job = import_case(department, public_file(TRIO_PED), vcf, case_identifier="ANN-ONLY")
    assert job.state == "done", job.error
    assert case_import.annotation_source == "ANN"
    row = CaseVariant.objects.get(case_id=case_import.case_id, chrom="1", pos=7879627)
    assert "PER3" in row.genes and row.worst_consequence == "intron_variant" and row.is_annotated


@pytest.mark.django_db
def test_the_import_leaves_fresh_planner_statistics_for_its_case(department):
    """A case is fast the moment its import finishes: the partition is analysed by the import, not left with an
    empty table's statistics until autovacuum comes round (pg_class.reltuples is -1 before any ANALYZE)."""
    from django.db import connection

    from core.citus import citus_installed

    case_import, job = import_case(department, public_file(TRIO_PED), public_file(TRIO_VCF))
    assert job.state == "done", job.error
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname, c.reltuples FROM pg_class c WHERE c.oid = "
                       "(SELECT tableoid FROM genomes_casevariant WHERE case_id = %s LIMIT 1)", [case_import.case_id])
        found = cursor.fetchone()
        if citus_installed(cursor):  # a row's tableoid is a worker's shard: the statistics are the shards'
            cursor.execute("SELECT sum(r.result::real) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                           "CROSS JOIN LATERAL run_command_on_shards(i.inhrelid::regclass, $$SELECT "
                           "greatest(reltuples, 0) FROM pg_class WHERE oid = '%%s'::regclass$$) r "
                           "WHERE i.inhparent = 'genomes_casevariant'::regclass AND satisfies_hash_partition("
                           "'genomes_casevariant'::regclass, 16, substring(pg_get_expr(c.relpartbound, c.oid) "
                           "from 'remainder (\\d+)')::int, %s::bigint)", [case_import.case_id])
            found = ("(shards)", cursor.fetchone()[0])
        partition, tuples = found
    assert partition != "genomes_casevariant" and tuples == 393


@pytest.mark.django_db
def test_the_job_page_shows_a_readable_summary(department, client):
    from tests.factories import make_user

    case_import, job = import_case(department, public_file(TRIO_PED), public_file(TRIO_VCF))
    assert job.state == "done", job.error
    client.force_login(make_user("gina", department=department, role="clinical_geneticist"))
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Case 643594: 680 records read, 393 variants stored (GRCh37) in" in page
    assert "Sample identity QC:" in page
    assert "Done — done" not in page and "{'" not in page and "Records read" in page


@pytest.mark.django_db
def test_the_import_form_preselects_the_users_department_and_foetal_medicine_gives_a_foetal_case(department,
                                                                                                   client):
    import re

    from tests.factories import make_user

    client.force_login(make_user("gina", department=department, role="clinical_geneticist"))
    page = client.get("/cases/import/").content.decode()
    selected = re.search(r'<select name="department"[^>]*>.*?</select>', page, re.S).group(0)
    assert re.search(r'<option value="kg-test" selected>', selected), selected
    # a proband with both parents in the foetal medicine group is a foetus with its parents
    case_import, job = import_case(department, public_file(TRIO_PED), public_file(TRIO_VCF), group="FOETAL")
    assert job.state == "done", job.error
    assert Case.objects.get(pk=case_import.case_id).analysis_type == "foetal"


@pytest.mark.django_db
def test_htslibs_header_warnings_become_import_warnings_once_not_terminal_noise(department, capfd):
    case_import, job = import_case(department, public_file(TRIO_PED), public_file(TRIO_VCF))
    assert job.state == "done", job.error
    case_import.refresh_from_db()
    htslib = [w for w in case_import.warnings if w.startswith("htslib:")]
    assert 'htslib: Invalid tag name: "1000GAF" (in the VCF header)' in htslib
    assert len(htslib) == len(set(htslib)) == 4
    assert "[W::" not in capfd.readouterr().err


@pytest.mark.django_db
def test_htslibs_record_warnings_become_import_warnings_too(department, capfd):
    case_import, job = import_case(
        department,
        public_file("scout-demo/cancer_test.ped"),
        public_file("scout-demo/cancer_test.vcf.gz"),
        group="CANCER-ADULT",
        analysis_type="tumour_normal",
        case_identifier="T-N-W",
    )
    assert job.state == "done", job.error
    case_import.refresh_from_db()
    assert any("FORMAT 'REF_F2R1'" in w and "while reading the records" in w for w in case_import.warnings)
    assert "[W::" not in capfd.readouterr().err
