"""Demo content for `make run`: two departments, users of every role, a few cases.

Idempotent: running it again changes nothing that exists (passwords included).
Clearly demo content: department codes start with "demo", case ids with "DEMO-".
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from core.models import Department, Membership, PatientGroup, Role, User
from genomes.models import Case, CaseShare

DEMO_PASSWORD = "demo-interpret-2026"
DEMO_FILES = Path(__file__).resolve().parents[2] / "genomes" / "demo_data"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    department: str
    role: str
    staff: bool = False


DEMO_DEPARTMENTS = (
    ("demo", "Demo Department of Clinical Genetics", Department.Kind.CLINICAL_GENETICS),
    ("demo-onc", "Demo Department of Oncology", Department.Kind.ONCOLOGY),
    ("demo-gennet-rare", "Demo GenNet: rare diseases", Department.Kind.EXPERT_NETWORK),
    ("demo-gennet-cancer", "Demo GenNet: hereditary cancer", Department.Kind.EXPERT_NETWORK),
    ("demo-mtb", "Demo molecular tumor board", Department.Kind.TUMOR_BOARD),
)
# Both demo curators curate the demo GenNet panels, so one can author a version and the other sign it off.
DEMO_NETWORK_CURATORS = ("curator", "curator2")

# Patient groups whose (demo) consent covers Beacon sharing; every other group is left out of the Beacon counts.
DEMO_BEACON_SHARED = ("RARE", "NEURO")
DEMO_USERS = (
    DemoUser("geneticist", "Gita Geneticist", "demo", Role.CLINICAL_GENETICIST),
    DemoUser("geneticist2", "Gustav Geneticist", "demo", Role.CLINICAL_GENETICIST),
    DemoUser("curator", "Carl Curator", "demo", Role.VARIANT_CURATOR),
    DemoUser("curator2", "Cecilie Curator", "demo", Role.VARIANT_CURATOR),
    DemoUser("lab", "Lis Lab", "demo", Role.LAB_BIOINFORMATICIAN),
    DemoUser("researcher", "Rasmus Researcher", "demo", Role.RESEARCHER),
    DemoUser("admin", "Anna Administrator", "demo", Role.ADMINISTRATOR, staff=True),
    DemoUser("oncologist", "Otto Oncologist", "demo-onc", Role.TUMOR_BOARD_MEMBER),
    DemoUser("pathologist", "Petra Pathologist", "demo-mtb", Role.TUMOR_BOARD_MEMBER),
)

# Demo cases with their files (identifier, group, department, analysis type, ped, vcf): real files shipped in
# genomes/demo_data, and synthetic families the project's generator writes at set-up (demo_cohort) from the
# shipped GTF extract, so that every analysis type has a case: a trio with a planted de novo, a foetus with
# its parents and 8% maternal contamination, a singleton and a duo (the trio's child alone, and with its mother).
DEMO_IMPORTS = (
    ("DEMO-RARE-643594", "RARE", "demo", "trio", "643594.ped", "643594.clinical.vcf.gz"),
    ("DEMO-CANCER-0001", "HAEM-CANCER", "demo-onc", "tumour_normal", "cancer_test.ped", "cancer_test.vcf.gz"),
    ("DEMO-NEURO-0001", "NEURO", "demo", "trio", "cohort:trio/SYNTRIO0001.ped", "cohort:trio/SYNTRIO0001.vcf.gz"),
    ("DEMO-FOETAL-0001", "FOETAL", "demo", "foetal", "cohort:foetal/SYNFOETAL0001.ped",
     "cohort:foetal/SYNFOETAL0001.vcf.gz"),
    ("DEMO-HEART-0001", "HEART", "demo", "singleton", "cohort:singleton.ped", "cohort:singleton.vcf.gz"),
    ("DEMO-KIDNEY-0001", "KIDNEY", "demo", "duo", "cohort:duo.ped", "cohort:duo.vcf.gz"),
    # NA12878's mitochondrial calls (Mutect2) as the case's VCF: its chrM records reach the mitochondrial tab
    ("DEMO-MITO-NA12878", "NEURO", "demo", "singleton", "NA12878.ped", "NA12878.chrM.mutect2.vcf"),
)
# A file whose header cannot tell the build (only chrM, the same length in both) is given it, as import_case --build
DEMO_IMPORT_BUILDS = {"DEMO-MITO-NA12878": "GRCh38"}
DEMO_GTF = Path(__file__).resolve().parents[2] / "panels" / "reference_data" / "grch38_chr1_head.ensembl.gtf.gz"
DEMO_FOETAL_CONTAMINATION = 0.08

# (identifier, patient group, department, analysis type); each gets its data from DEMO_IMPORTS.
DEMO_CASES = tuple((identifier, group, department, analysis_type)
                   for identifier, group, department, analysis_type, _, _ in DEMO_IMPORTS)


# Demo GenNet panels from the real PanelApp panels in panels/demo_data (PanelApp id, network, name, the patient
# groups they serve, the groups that use them by default). Demo content, named so.
DEMO_PANEL_FILE = Path(__file__).resolve().parents[2] / "panels" / "demo_data" / "panelapp_panels.jsonl"
DEMO_PANELS = (
    (522, "demo-gennet-cancer", "Demo GenNet: familial melanoma", ("CANCER-ADULT", "CANCER-CHILD", "SKIN"),
     ("CANCER-ADULT", "SKIN")),
    (1141, "demo-gennet-rare", "Demo GenNet: acute rhabdomyolysis", ("RARE", "NEURO"), ("RARE", "NEURO")),
    (399, "demo-gennet-rare", "Demo GenNet: additional findings, health related", ("RARE", "HEART"),
     ("RARE", "HEART")),
)


def demo_data_load() -> dict:
    summary = _demo_people_and_cases()
    summary["panels"] = _demo_panels()
    summary["imported"] = _demo_imports()
    summary["structural_variants"] = _demo_structural_variants()
    summary["phenotypes"] = _demo_phenotypes()
    summary["repeat_expansions"] = _demo_repeat_expansions()
    summary["reads"] = _demo_reads()
    summary["reports"] = _demo_reports()
    summary["first_looks"] = _demo_first_looks()
    summary["tumor_board"] = _demo_tumor_board()
    return summary


# How each demo case's geneticists last looked at it: the variant table resumes a user's latest run, so each demo
# case opens with its planted finding in view (the default panels of the demo groups are real PanelApp panels
# that do not hold the synthetic families' genes). Settings of the filter engine (interpret.analysis.filters).
DEMO_FIRST_LOOKS = {
    "DEMO-NEURO-0001": {"genome_wide": True, "inheritance": ["de_novo"]},
    "DEMO-FOETAL-0001": {"genome_wide": True, "max_popmax": 0.0001, "inheritance": ["de_novo"]},
    "DEMO-HEART-0001": {"genome_wide": True, "max_popmax": 0.001, "impacts": ["HIGH"]},
    "DEMO-KIDNEY-0001": {"genome_wide": True, "max_popmax": 0.001, "impacts": ["HIGH"]},
    # Scout's real trio has no planted finding: its rare protein-changing calls, genome-wide
    "DEMO-RARE-643594": {"genome_wide": True, "max_popmax": 0.01, "impacts": ["HIGH", "MODERATE"]},
    # NA12878's chrM calls: no panel holds mitochondrial genes here; its mitochondrial tab is where they are read
    "DEMO-MITO-NA12878": {"genome_wide": True, "impacts": [], "pass_only": False},
}


def _demo_first_looks() -> list[str]:
    """A filter run per demo case and clinical geneticist, once (a user with a run on the case is left alone)."""
    from interpret.analysis.engine import run_analysis
    from interpret.analysis.models import FilterRun

    looked = []
    for username in ("geneticist", "geneticist2"):
        user = User.objects.get(username=username)
        for identifier, settings in DEMO_FIRST_LOOKS.items():
            case = Case.objects.filter(identifier=identifier, department__code="demo").first()
            if case is None or FilterRun.objects.filter(case=case, user=user).exists():
                continue
            run_analysis(case, settings, user=user)
            looked.append(f"{identifier}:{username}")
    return looked


@transaction.atomic
def _demo_tumor_board() -> list[str]:
    """The demo cancer knowledge (labelled demo data), and a board meeting with the demo tumour case referred."""
    from interpret.demo.cancer_knowledge import demo_knowledge_load, demo_knowledge_publish
    from interpret.tumor_board import board
    from interpret.tumor_board.models import BoardMeeting

    demo_knowledge_load()
    demo_knowledge_publish(User.objects.get(username="curator"), User.objects.get(username="curator2"))
    mtb = Department.objects.get(code="demo-mtb")
    oncologist, pathologist = User.objects.get(username="oncologist"), User.objects.get(username="pathologist")
    Membership.objects.get_or_create(user=oncologist, department=mtb, role=Role.TUMOR_BOARD_MEMBER)
    if BoardMeeting.objects.filter(board=mtb).exists():
        return []
    meeting = board.meeting_create(by=oncologist, board=mtb, title="Demo molecular tumor board",
                                   date=timezone.localdate(), participants=[pathologist])
    case = Case.objects.get(identifier="DEMO-CANCER-0001", department__code="demo-onc")
    board.case_refer(by=oncologist, meeting=meeting, case=case, diagnosis="Acute myeloid leukaemia",
                     question="Targeted therapy for the IDH2 and FLT3 findings?")
    return [meeting.title]


@transaction.atomic
def _demo_panels() -> list[str]:
    """Publish each demo panel once: authored by one demo curator, signed off by the other."""
    from panels.genes import configured_gene_resolver
    from panels.models import Panel
    from panels.panelapp import read_panelapp_file
    from panels.services import panel_import

    parsed_by_id = {p.panelapp_id: p for p in read_panelapp_file(DEMO_PANEL_FILE)}
    author, signer = (User.objects.get(username=name) for name in DEMO_NETWORK_CURATORS)
    codes = []
    for panelapp_id, network, name, groups, defaults in DEMO_PANELS:
        code = f"demo-panelapp-{panelapp_id}"
        codes.append(code)
        if Panel.objects.filter(code=code).exists():
            continue
        parsed = parsed_by_id[panelapp_id]
        panel_import(parsed, network=Department.objects.get(code=network), author=author, code=code, name=name,
                     source=f"Demo content from PanelApp panel {panelapp_id} v{parsed.version}",
                     patient_groups=list(PatientGroup.objects.filter(code__in=groups)),
                     default_for=list(PatientGroup.objects.filter(code__in=defaults)),
                     signed_off_by=signer, resolver=configured_gene_resolver())
    return codes


def demo_cohort(directory: Path) -> Path:
    """The synthetic demo families, written once into ``directory`` (a few seconds; the same files every time)."""
    from genomes.synthetic import CohortSpec, generate_cohort

    if (directory / "duo.vcf.gz").exists():
        return directory
    cache = directory / ".pyensembl"
    generate_cohort(CohortSpec(out_dir=directory / "trio", gtf_paths=[DEMO_GTF], families=1, kind="trio",
                               records=20_000, seed=3, cache_dir=cache))
    generate_cohort(CohortSpec(out_dir=directory / "foetal", gtf_paths=[DEMO_GTF], families=1, kind="foetal",
                               records=30_000, seed=7, contamination=DEMO_FOETAL_CONTAMINATION, cache_dir=cache))
    trio_vcf = directory / "trio" / "SYNTRIO0001.vcf.gz"
    ped_lines = (directory / "trio" / "SYNTRIO0001.ped").read_text().splitlines()
    header, child, mother = ped_lines[0], ped_lines[1], ped_lines[3]  # the file lists child, father, mother
    _sample_subset(trio_vcf, directory / "singleton.vcf.gz", [0])
    (directory / "singleton.ped").write_text("\n".join([header, _without_parents(child)]) + "\n")
    _sample_subset(trio_vcf, directory / "duo.vcf.gz", [0, 2])
    (directory / "duo.ped").write_text("\n".join([header, _without_father(child), mother]) + "\n")
    return directory


def _without_parents(line: str) -> str:
    fields = line.split("\t")
    fields[2] = fields[3] = "0"
    return "\t".join(fields)


def _without_father(line: str) -> str:
    fields = line.split("\t")
    fields[2] = "0"
    return "\t".join(fields)


def _sample_subset(source: Path, target: Path, columns: list[int]) -> None:
    """The VCF with only the sample columns given (0-based among the samples)."""
    import gzip

    partial = target.with_suffix(".partial")
    with gzip.open(source, "rt") as reading, gzip.open(partial, "wt", compresslevel=4) as writing:
        for line in reading:
            if line.startswith("##"):
                writing.write(line)
                continue
            fields = line.rstrip("\n").split("\t")
            writing.write("\t".join(fields[:9] + [fields[9 + c] for c in columns]) + "\n")
    partial.rename(target)


# The synthetic trio's structural variants (GATK-SV style, SVAnnotate's gene fields), written beside its small
# variants: the planted finding is a de novo deletion inside DMD (a demo panel gene, X-linked) in the boy, the rest
# are inherited common events. Demo content at real gene positions of GRCh38.
DEMO_TRIO_SVS = (
    # chrom, pos, end, type, INFO extras, child, father, mother
    ("chrX", 31800000, 31950000, "DEL", "PREDICTED_LOF=DMD", "1/1", "0/0", "0/0"),
    ("chr2", 11700000, 11702500, "DEL", "PREDICTED_INTERGENIC;PREDICTED_NEAREST_TSS=LPIN1;gnomAD_V2_AF=0.21",
     "0/1", "0/1", "0/0"),
    ("chr7", 142300000, 142330000, "DUP", "PREDICTED_INTERGENIC;PREDICTED_NEAREST_TSS=PRSS1;gnomAD_V2_AF=0.048",
     "0/1", "0/0", "0/1"),
)
DEMO_SV_IMPORTS = (("DEMO-RARE-643594", "643594.clinical.SV.vcf.gz"), ("DEMO-NEURO-0001", "cohort:trio/sv"))


def _demo_trio_sv_file() -> Path:
    trio = _demo_file("cohort:trio/SYNTRIO0001.ped").parent
    path = trio / "SYNTRIO0001.sv.vcf"
    if not path.exists():
        contigs = {"chr2": 242193529, "chr7": 159345973, "chrX": 156040895}
        lines = ["##fileformat=VCFv4.2", "##source=demo (GATK-SV style calls of the synthetic trio)"]
        lines += [f"##contig=<ID={c},length={n},assembly=GRCh38>" for c, n in contigs.items()]
        lines += ['##INFO=<ID=END,Number=1,Type=Integer,Description="End">',
                  '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type">',
                  '##INFO=<ID=SVLEN,Number=1,Type=Integer,Description="Length">',
                  '##INFO=<ID=ALGORITHMS,Number=.,Type=String,Description="Source algorithms">',
                  '##INFO=<ID=EVIDENCE,Number=.,Type=String,Description="Classes of random forest support">',
                  '##INFO=<ID=PREDICTED_LOF,Number=.,Type=String,Description="Genes whose function is lost">',
                  '##INFO=<ID=PREDICTED_INTERGENIC,Number=0,Type=Flag,Description="Intergenic">',
                  '##INFO=<ID=PREDICTED_NEAREST_TSS,Number=.,Type=String,Description="Nearest TSS">',
                  '##INFO=<ID=gnomAD_V2_AF,Number=1,Type=Float,Description="gnomAD-SV v2 allele frequency">',
                  '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
                  '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
                  "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t"
                  "SYNTRIO0001_CHILD\tSYNTRIO0001_FATHER\tSYNTRIO0001_MOTHER"]
        for number, (chrom, pos, end, kind, extra, *genotypes) in enumerate(DEMO_TRIO_SVS, start=1):
            lines.append(f"{chrom}\t{pos}\t{kind}_demo_{number}\tN\t<{kind}>\t999\tPASS\t"
                         f"END={end};SVTYPE={kind};SVLEN={end - pos};ALGORITHMS=depth;EVIDENCE=RD;{extra}\tGT:GQ\t"
                         + "\t".join(f"{gt}:99" for gt in genotypes))
        path.write_text("\n".join(lines) + "\n")
    return path


def _demo_structural_variants() -> list[str]:
    """The demo trios' SV files: Scout's Manta calls of its real trio, and the synthetic trio's; once."""
    from core.jobs import job_run
    from genomes.sv.importing import sv_import_prepare

    imported = []
    for identifier, name in DEMO_SV_IMPORTS:
        case = Case.objects.filter(identifier=identifier, department__code="demo").first()
        if case is None or case.sv_imports.filter(is_current=True).exists():
            continue
        path = _demo_trio_sv_file() if name == "cohort:trio/sv" else _demo_file(name)
        sv_import = sv_import_prepare(case=case, vcf_path=path, send_to_worker=False)
        job = job_run(sv_import.job_id)
        if job.state != job.State.DONE:
            raise RuntimeError(f"demo SV import of {identifier} failed: {job.error}")
        imported.append(identifier)
    return imported


def _demo_repeat_expansions() -> list[str]:
    """Stranger's GRCh37 catalog (when no GRCh37 catalog is loaded) and Scout's trio's ExpansionHunter calls; once."""
    from genomes.models import StrCatalogLocus
    from genomes.str.catalog import catalog_load
    from genomes.str.importing import str_file_import

    if not StrCatalogLocus.objects.filter(build="GRCh37").exists():
        catalog_load(_demo_file("stranger-variant_catalog_grch37.json"), build="GRCh37")
    case = Case.objects.filter(identifier="DEMO-RARE-643594", department__code="demo").first()
    if case is None or case.str_imports.filter(is_current=True).exists():
        return []
    str_file_import(case=case, path=_demo_file("643594.clinical.str.stranger.vcf.gz"))
    return ["DEMO-RARE-643594"]


def _demo_reads() -> list[str]:
    """NA12878's chrM reads (GATK's test BAM, chrM:1-1,000) for the read view of DEMO-MITO-NA12878; once."""
    from genomes.models import AlignmentFile
    from genomes.reads import alignment_register

    case = Case.objects.filter(identifier="DEMO-MITO-NA12878", department__code="demo").first()
    if case is None or AlignmentFile.objects.filter(sample__case=case).exists():
        return []
    alignment_register(case=case, individual="NA12878", path=str(_demo_file("NA12878.chrM.bam")))
    return ["DEMO-MITO-NA12878"]


def _demo_file(name: str) -> Path:
    from django.conf import settings

    if name.startswith("cohort:"):
        return demo_cohort(settings.DATA_DIR / "demo-cohort") / name.removeprefix("cohort:")
    return DEMO_FILES / name


def _demo_reports() -> list[str]:
    """DEMO-NEURO-0001 carried through the workflow: its planted de novo tagged causative, classified by two
    curators, reported by one geneticist and signed out by the other, then reopened on new evidence and amended
    (version 2 replaces version 1). Skipped when the case has reports."""
    import csv

    from django.conf import settings

    from genomes.models import Variant
    from interpret.analysis.engine import run_analysis
    from interpret.analysis.models import VariantTag
    from interpret.classification.services import (
        classification_accept_all_suggestions,
        classification_approve,
        classification_context_set,
        classification_start,
        classification_submit,
    )
    from interpret.reporting import services as reports
    from interpret.reporting.models import Report
    from interpret.workflow import services as workflow

    case = Case.objects.filter(identifier="DEMO-NEURO-0001", department__code="demo").first()
    if case is None or Report.objects.filter(case=case).exists() or case.status != Case.Status.READY \
            or case.import_state != Case.ImportState.IMPORTED:
        return []
    gita, gustav, carl, cecilie = (User.objects.get(username=name) for name in
                                   ("geneticist", "geneticist2", "curator", "curator2"))
    truth = settings.DATA_DIR / "demo-cohort" / "trio" / "truth.tsv"
    planted = next(row for row in csv.DictReader(open(truth), delimiter="\t") if row["mode"] == "de_novo")
    variant = Variant.objects.get(build=case.genome_build, chrom=planted["chrom"], pos=int(planted["pos"]),
                                  ref=planted["ref"], alt=planted["alt"])
    case = workflow.case_start_analysis(case=case, by=gita)
    # The phenotype the request form gives, as HPO terms in a case note: global developmental delay, seizures
    workflow.case_note_add(case=case, by=gita, kind="indication",
                           text="Global developmental delay (HP:0001263) and seizures (HP:0001250) from 6 months "
                                "(demo)")
    run_analysis(case, {"genome_wide": True, "inheritance": ["de_novo"]}, user=gita)
    VariantTag.objects.get_or_create(case=case, variant=variant, tag="causative", defaults={"created_by": gita})
    # The curator takes what the platform suggests and nothing it does not: the phenotype's consistency with the
    # gene is the curator's judgement (the de novo points depend on it), then every suggestion accepted as made.
    draft = classification_start(variant=variant, gene=planted["gene"], condition="Developmental disorder (demo)",
                                 mode_of_inheritance="AD", by=carl, department=case.department, case=case)
    draft = classification_context_set(classification_id=draft.pk, lock_version=draft.lock_version, by=carl,
                                       phenotype_consistency="consistent", lof_mechanism="yes")
    draft = classification_accept_all_suggestions(classification_id=draft.pk, lock_version=draft.lock_version,
                                                  by=carl)
    draft = classification_submit(classification_id=draft.pk, lock_version=draft.lock_version, by=carl)
    classification_approve(classification_id=draft.pk, by=cecilie)
    report = reports.report_draft_start(case=case, by=gita)
    reports.report_draft_update(report=report, by=gita, lock_version=report.lock_version, fields={
        "indication": "Global developmental delay and seizures from 6 months (demo)",
        "conclusion": f"A de novo {planted['gene']} variant explains the phenotype (demo content).",
        "recommendations": "Genetic counselling; recurrence risk low (germline mosaicism not excluded)."})
    workflow.case_submit_for_review(case=case, by=gita, reviewer=gustav)
    reports.report_sign_out(report=Report.objects.get(pk=report.pk), by=gustav)
    case = workflow.case_reopen(case=Case.objects.get(pk=case.pk), by=gita, reason="clinician_request",
                                text="The clinician asks for the recommendations on sibling testing (demo)")
    amended = reports.report_amend(case=case, by=gita, reason="Recommendation on testing the sibling added")
    reports.report_draft_update(report=amended, by=gita, lock_version=amended.lock_version, fields={
        "recommendations": "Genetic counselling; recurrence risk low (germline mosaicism not excluded). Testing of "
                           "the sibling is not indicated."})
    workflow.case_submit_for_review(case=case, by=gita, reviewer=gustav)
    reports.report_sign_out(report=Report.objects.get(pk=amended.pk), by=gustav)
    return ["DEMO-NEURO-0001 v1", "DEMO-NEURO-0001 v2"]


# The demo probands' phenotypes (HPO terms), as their geneticists would enter them: the synthetic boy with the de
# novo DMD deletion has the signs of a dystrophinopathy; Scout's trio was reported for SEMA4A (retinitis
# pigmentosa 35), and its proband has a rod-cone dystrophy. Demo content, named so in the terms' source.
DEMO_PHENOTYPES = {
    "DEMO-NEURO-0001": (["HP:0003560", "HP:0003236", "HP:0003707", "HP:0001270"], ["HP:0001250"]),
    "DEMO-RARE-643594": (["HP:0000510", "HP:0000662", "HP:0007703"], []),
}


def _demo_phenotypes() -> list[str]:
    """The demo probands' terms, once (a proband with terms is left alone)."""
    from genomes.models import PhenotypeTerm
    from genomes.phenotypes import phenotype_entries, phenotypes_replace

    entered = []
    for identifier, (observed, excluded) in DEMO_PHENOTYPES.items():
        case = Case.objects.filter(identifier=identifier, department__code="demo").first()
        if case is None or PhenotypeTerm.objects.filter(individual__case=case).exists():
            continue
        phenotypes_replace(case=case, entries=phenotype_entries(observed, excluded), by=None, source="demo")
        entered.append(identifier)
    return entered


def _demo_imports() -> list[str]:
    """Import the demo VCFs in this process, once (a case with variants is left alone)."""
    from core.jobs import job_run
    from genomes.importing.prepare import case_import_prepare

    imported = []
    for identifier, group, department, analysis_type, ped, vcf in DEMO_IMPORTS:
        case = Case.objects.filter(identifier=identifier, department__code=department).first()
        if case is not None and case.imports.filter(is_current=True).exists():
            continue
        case_import = case_import_prepare(
            patient_group=PatientGroup.objects.get(code=group), department=Department.objects.get(code=department),
            ped_path=_demo_file(ped), vcf_path=_demo_file(vcf), analysis_type=analysis_type,
            case_identifier=identifier, send_to_worker=False, build=DEMO_IMPORT_BUILDS.get(identifier),
        )
        job = job_run(case_import.job_id)
        if job.state != job.State.DONE:
            raise RuntimeError(f"demo import of {identifier} failed: {job.error}")
        imported.append(identifier)
    return imported


@transaction.atomic
def _demo_people_and_cases() -> dict:
    departments = {}
    for code, name, kind in DEMO_DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "region": "Demo region"}
        )
    for code in DEMO_BEACON_SHARED:  # the demo's consent covers sharing for these groups (audited like any change)
        group = PatientGroup.objects.get(code=code)
        if not group.beacon_shared:
            group.beacon_shared = True
            group.save(update_fields=["beacon_shared"])
    for spec in DEMO_USERS:
        first, last = spec.full_name.split(" ", 1)
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={"first_name": first, "last_name": last, "is_staff": spec.staff, "is_superuser": spec.staff},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(user=user, department=departments[spec.department], role=spec.role)
    batch, created = User.objects.get_or_create(
        username="batch", defaults={"first_name": "Reanalysis", "last_name": "batch job", "is_service_account": True}
    )
    if created:
        batch.set_unusable_password()
        batch.save(update_fields=["password"])
    Membership.objects.get_or_create(user=batch, department=departments["demo"], role=Role.LAB_BIOINFORMATICIAN)
    for username in DEMO_NETWORK_CURATORS:
        for code, _, kind in DEMO_DEPARTMENTS:
            if kind == Department.Kind.EXPERT_NETWORK:
                Membership.objects.get_or_create(user=User.objects.get(username=username),
                                                 department=departments[code], role=Role.VARIANT_CURATOR)

    for identifier, group_code, department_code, analysis_type in DEMO_CASES:
        Case.objects.get_or_create(
            identifier=identifier, department=departments[department_code],
            defaults={"patient_group": PatientGroup.objects.get(code=group_code), "analysis_type": analysis_type,
                      # the demo tumour (Scout's cancer_test: a myeloid amplicon panel): its tumour type, and a
                      # demo callable territory of 0.14 Mb for its TMB
                      **({"tumour_type": "AML", "callable_mb": 0.14} if analysis_type == "tumour_normal" else {})},
        )
    CaseShare.objects.get_or_create(
        case=Case.objects.get(identifier="DEMO-CANCER-0001", department__code="demo-onc"),
        department=departments["demo"],
        defaults={"reason": "Germline follow-up of a hereditary cancer finding"},
    )
    return {
        "departments": [code for code, _, _ in DEMO_DEPARTMENTS],
        "users": [(u.username, u.role, u.department) for u in DEMO_USERS],
        "password": DEMO_PASSWORD,
        "cases": [c[0] for c in DEMO_CASES],
    }
