"""Run by bench/analysis_ab.sh through `manage.py shell` in each commit's checkout: every case analysed as
`analyse_case CASE --json` does (the case's default preset; genome-wide; every stored row; every row under each
inheritance mode and under proband quality bounds), not recorded, the candidates written
as JSON to $OUT/<case>.<run>.json. Uses only what every compared commit has (run_analysis, candidates_as_dicts,
preset_or_default)."""
import json
import os
from pathlib import Path

from core.models import User
from genomes.models import Case
from interpret.analysis.engine import run_analysis
from interpret.analysis.output import candidates_as_dicts
from interpret.analysis.presets import preset_or_default

out = Path(os.environ["OUT"])
EVERY_ROW = {"genome_wide": True, "max_popmax": None, "impacts": [], "pass_only": False}
RUNS = (("default", {}), ("genome-wide", {"genome_wide": True}), ("every-row", EVERY_ROW),
        ("every-inheritance-mode", {**EVERY_ROW, "inheritance": ["de_novo", "ar_hom", "comp_het", "x_linked", "ad"]}),
        ("proband-quality", {**EVERY_ROW, "min_gq": 30, "min_dp": 15, "min_ab": 0.25, "max_ab": 0.75}))
user = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench-ab", password=None)
for case in Case.objects.order_by("identifier"):
    for run, filters in RUNS:
        preset = preset_or_default(None, user, case, filters)
        result = run_analysis(case, filters, preset=preset, user=user, record=False)
        (out / f"{case.identifier}.{run}.json").write_text(json.dumps(candidates_as_dicts(result, result.candidates),
                                                                      default=str))
        print(case.identifier, run, len(result.candidates))
