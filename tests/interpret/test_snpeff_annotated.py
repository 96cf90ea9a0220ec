"""Files annotated by SnpEff (INFO/ANN, SnpEff's own term names) meet the same rules as VEP files: an in-frame
deletion or insertion named disruptive_inframe_* is PM4 in a germline case, OM2 in a tumour, counted in the TMB
and matched by an in-frame biomarker class.

Germline: the Scout demo trio with its VEP CSQ removed, so only its real SnpEff ANN annotates it. Somatic:
tests/data/handmade/snpeff_tumour_normal.vcf, the calls of Scout's cancer_test with ANN written in SnpEff 5's layout
(and an EGFR exon 19 deletion), see tests/data/handmade/PROVENANCE.md."""
import pytest

from genomes.models import CaseVariant, Variant
from interpret.analysis.engine import run_analysis
from interpret.analysis.output import candidates_as_dicts
from interpret.analysis.presets import preset_get
from interpret.classification.services import classification_start
from tests.genomes.importing.test_import_case import TRIO_PED, import_case, trio_text
from tests.interpret.somatic.conftest import import_tumour_case
from tests.public_data import public_file

pytestmark = pytest.mark.django_db

SNPEFF_TUMOUR = "handmade/snpeff_tumour_normal.vcf"
# SYT14 c.?_?del, 1:210267893 TGAA>T: SnpEff calls it disruptive_inframe_deletion (VEP: inframe_deletion)
SYT14_DELETION = dict(build="GRCh37", chrom="1", pos=210267893, ref="TGAA", alt="T")
EGFR_EXON19_DELETION = dict(build="GRCh37", chrom="7", pos=55242464, ref="AGGAATTAAGAGAAGC", alt="A")


def _ann_only_trio(tmp_path):
    def drop_csq_header(line):
        return "" if line.startswith("##INFO=<ID=CSQ,") else line

    def drop_csq(line):
        fields = line.split("\t")
        fields[7] = ";".join(part for part in fields[7].split(";") if not part.startswith("CSQ="))
        return "\t".join(fields)

    path = tmp_path / "ann_only.vcf"
    path.write_text(trio_text(drop_csq_header, drop_csq))
    return path


def test_a_snpeff_in_frame_deletion_is_suggested_pm4(dept_a, alice, tmp_path):
    from core.models import PatientGroup

    PatientGroup.objects.filter(code="RARE").update(retention_popmax=None)
    case_import, job = import_case(dept_a, public_file(TRIO_PED), _ann_only_trio(tmp_path), case_identifier="ANN")
    assert job.state == "done", job.error
    variant = Variant.objects.get(**SYT14_DELETION)
    row = CaseVariant.objects.get(case=case_import.case, variant=variant)
    assert row.worst_consequence == "disruptive_inframe_deletion"
    classification = classification_start(variant=variant, gene="SYT14", condition="test", mode_of_inheritance="AD",
                                           by=alice, department=dept_a, case=case_import.case)
    pm4 = classification.criteria["PM4"]["suggestion"]
    assert pm4["values"]["consequences"] == ["disruptive_inframe_deletion"] and pm4["strength"] == "moderate"


@pytest.fixture
def snpeff_tumour(dept_a, cancer_knowledge):
    case, _ = import_tumour_case(dept_a, "scout-demo/cancer_test.ped", SNPEFF_TUMOUR, identifier="SNPEFF-AML",
                                 tumour_type="AML", callable_mb=1.2)
    return case


def test_snpeff_in_frame_calls_are_counted_in_the_tmb(snpeff_tumour):
    from genomes.somatic import somatic_summary

    tmb = somatic_summary(snpeff_tumour, snpeff_tumour.imports.get(is_current=True))["tmb"]
    # PASS coding calls: NPM1, DNMT3A and ASXL1 frameshifts, IDH2, JAK2, TP53 and SRSF2 missense, and the two
    # SnpEff in-frame names: the FLT3 ITD (disruptive_inframe_insertion) and the EGFR deletion
    assert tmb["coding_mutations"] == 9
    assert tmb["per_mb"] == round(9 / 1.2, 2)


def test_snpeff_in_frame_insertion_matches_the_in_frame_biomarker_and_in_frame_deletion_is_om2(snpeff_tumour, alice,
                                                                                                oncologist):
    result = run_analysis(snpeff_tumour, None, preset=preset_get("Haematological cancer somatic", alice), user=alice)
    rows = {r["gene"]: r for r in candidates_as_dicts(result, result.candidates)}
    # the FLT3 ITD line of the knowledge table has the in-frame class: SnpEff's name must match it
    assert rows["FLT3"]["tier"] == "IA" and "midostaurin" in str(rows["FLT3"]["tier_detail"]).lower()
    egfr = Variant.objects.get(**EGFR_EXON19_DELETION)
    oncogenicity = classification_start(variant=egfr, gene="EGFR", condition="NSCLC", mode_of_inheritance="",
                                        by=oncologist, department=snpeff_tumour.department, case=snpeff_tumour,
                                        origin="somatic")
    om2 = oncogenicity.criteria["OM2"]["suggestion"]
    assert "disruptive inframe deletion in EGFR" in om2["justification"]
