"""Maternal cell contamination estimated on synthetic foetus-with-parents families (known truth: 0% and 10%
maternal DNA mixed into the foetal reads by the generator), shown on the case page."""
import pytest

from core.jobs import job_run
from core.models import PatientGroup, Role
from genomes.contamination import estimate_contamination
from genomes.importing.prepare import case_import_prepare
from genomes.synthetic import CohortSpec, generate_cohort
from interpret.analysis.engine import run_analysis
from tests.factories import make_user
from tests.public_data import public_file


def foetal_case(tmp_path, dept, contamination, identifier):
    out = tmp_path / identifier
    generate_cohort(CohortSpec(out_dir=out, gtf_paths=[public_file("gtf/grch38_chr1_head.ensembl.gtf.gz")],
                               families=1, kind="foetal", records=30_000, seed=7, contamination=contamination,
                               cache_dir=tmp_path / "pyensembl"))
    case_import = case_import_prepare(
        patient_group=PatientGroup.objects.get(code="FOETAL"), department=dept, send_to_worker=False,
        ped_path=out / "SYNFOETAL0001.ped", vcf_path=out / "SYNFOETAL0001.vcf.gz", case_identifier=identifier,
        analysis_type="foetal")
    assert job_run(case_import.job_id).state == "done"
    return case_import.case


@pytest.mark.django_db
def test_contamination_is_estimated_near_the_truth_and_shown(tmp_path, dept_a, client):
    clean = estimate_contamination(foetal_case(tmp_path, dept_a, 0.0, "FOETUS-CLEAN"))
    mixed_case = foetal_case(tmp_path, dept_a, 0.10, "FOETUS-MCC10")
    mixed = estimate_contamination(mixed_case)
    assert clean.fraction is not None and clean.fraction < 0.02 and not clean.significant
    assert mixed.class_a["sites"] + mixed.class_b["sites"] > 100
    assert abs(mixed.fraction - 0.10) < 0.03 and mixed.significant, mixed
    result = run_analysis(mixed_case, {"genome_wide": True}, record=False)
    assert result.contamination.fraction == mixed.fraction

    client.force_login(make_user("fia", department=dept_a, role=Role.CLINICAL_GENETICIST))
    page = client.get(f"/cases/{mixed_case.pk}/").content.decode()
    assert 'data-testid="contamination-fraction"' in page and "contaminated" in page
    assert "contamination-plot-data" in page
    # the standard error at the precision it has, never "± 0%"
    assert "± 0%" not in page and "± 0." in page


@pytest.mark.django_db
def test_a_de_novo_suggestion_in_a_contaminated_foetus_states_the_contamination(tmp_path, dept_a):
    from genomes.models import Variant
    from interpret.classification.services import classification_context_set, classification_start

    case = foetal_case(tmp_path, dept_a, 0.10, "FOETUS-MCC10-DN")
    result = run_analysis(case, {"genome_wide": True, "inheritance": ["de_novo"], "max_popmax": None,
                                 "impacts": []}, record=False)
    candidate = next(c for c in result.candidates if c.row["genes"])
    fia = make_user("fia", department=dept_a, role=Role.CLINICAL_GENETICIST)
    draft = classification_start(variant=Variant.objects.get(pk=candidate.row["variant_id"]),
                                 gene=candidate.row["genes"][0], condition="Foetal anomaly", mode_of_inheritance="AD",
                                 by=fia, department=dept_a, case=case)
    draft = classification_context_set(classification_id=draft.pk, lock_version=draft.lock_version, by=fia,
                                       phenotype_consistency="consistent")
    de_novo = {code: entry["suggestion"] for code, entry in draft.criteria.items()
               if code in ("PS2", "PM6") and "suggestion" in entry}
    assert de_novo, draft.considered
    assert all("Maternal contamination of the foetal sample estimated" in s["justification"] and "(significant)"
               in s["justification"] for s in de_novo.values()), de_novo
