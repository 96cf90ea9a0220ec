"""Recall on the generator's truth set: the default trio preset finds every planted causal variant in its
inheritance mode (de novo, compound het with its partner, AR homozygous, X-linked hemizygous)."""
import csv

import pytest

from core.jobs import job_run
from core.models import PatientGroup
from genomes.importing.prepare import case_import_prepare
from genomes.synthetic import CohortSpec, generate_cohort
from interpret.analysis.engine import run_analysis
from interpret.analysis.models import FilterPreset
from tests.public_data import public_file

EXPECTED_MODE = {"de_novo": {"de_novo", "x_de_novo"}, "comp_het": {"comp_het"}, "ar_hom": {"ar_hom"},
                 "x_linked": {"x_linked"}}


@pytest.mark.django_db
def test_the_default_trio_preset_finds_every_planted_variant(tmp_path, dept_a):
    out = tmp_path / "cohort"
    generate_cohort(CohortSpec(out_dir=out, gtf_paths=[public_file("gtf/grch38_chr1_head.ensembl.gtf.gz")],
                               families=4, records=20_000, seed=11, cache_dir=tmp_path / "pyensembl",
                               gene_copies=True))  # a genome's load of coding variants, and an X gene
    truth = list(csv.DictReader(open(out / "truth.tsv"), delimiter="\t"))
    assert {row["mode"] for row in truth} == set(EXPECTED_MODE)
    preset = FilterPreset.objects.get(name="Rare disease trio default", department=None)
    counts = []
    for family in sorted({row["family"] for row in truth}):
        case_import = case_import_prepare(
            patient_group=PatientGroup.objects.get(code="RARE"), department=dept_a, send_to_worker=False,
            ped_path=out / f"{family}.ped", vcf_path=out / f"{family}.vcf.gz")
        assert job_run(case_import.job_id).state == "done"
        result = run_analysis(case_import.case, {}, preset=preset, record=False)
        counts.append(len(result.candidates))
        found = {(c.row["chrom"], c.row["pos"]): c for c in result.candidates}
        for planted in (row for row in truth if row["family"] == family):
            candidate = found.get((planted["chrom"].removeprefix("chr"), int(planted["pos"])))
            assert candidate is not None, planted
            assert EXPECTED_MODE[planted["mode"]] & set(candidate.modes), (planted, candidate.modes)
            if planted["mode"] == "comp_het":
                partner_chrom, partner_pos = planted["partner"].split("-")[:2]
                assert int(partner_pos) in [p["pos"] for p in candidate.partners]
    assert max(counts) <= 20, counts  # slivar's published reference: ~18 candidates per genome
