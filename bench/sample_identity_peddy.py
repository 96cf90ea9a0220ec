"""Sample identity QC against peddy on the same files: relatedness and IBS0 per pair (GIAB Ashkenazi trio and
the Scout demo trio), and sex (the Scout demo's shipped peddy output).

peddy is not a dependency of the platform: it runs in its own virtual environment, made here on first use
(PyPI must be reachable for that, as for `make setup`), or named by PEDDY_PYTHON. peddy 0.4.8's het_check fails
on NumPy 2 (np.fromstring), so only its ped_check is run, through its Python API.

    INTERPRET_DATA_DIR=/tmp/bench-identity .venv/bin/python bench/sample_identity_peddy.py
"""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interpret.settings")
os.environ.setdefault("HTTPS", "false")

from tests.public_data import public_file  # noqa: E402  (after sys.path)

FILES = {"GIAB Ashkenazi trio": ("slivar/ashk-trio.ped", "slivar/ashk-trio.vcf.gz", "RARE"),
         "Scout demo trio (research VCF)": ("scout-demo/643594.ped", "scout-demo/643594.research.vcf.gz", "RARE")}
PEDDY_SCRIPT = """
import json, sys, peddy
ped, vcf = sys.argv[1], sys.argv[2]
frame = peddy.Ped(ped).ped_check(vcf)
print(json.dumps(frame[["sample_a", "sample_b", "rel", "ibs0", "n"]].to_dict(orient="records")))
"""


def peddy_python() -> str:
    if os.environ.get("PEDDY_PYTHON"):
        return os.environ["PEDDY_PYTHON"]
    venv = Path(tempfile.gettempdir()) / "peddy-venv"
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "peddy==0.4.8"], check=True)
    return str(venv / "bin" / "python")


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from core.jobs import job_run
    from core.models import Department, PatientGroup
    from genomes.importing.prepare import case_import_prepare

    department, _ = Department.objects.get_or_create(code="bench", defaults={"name": "Benchmark department"})
    python = peddy_python()
    print(
        "| file | pair | peddy rel | platform relatedness | difference | peddy IBS0 rate (n) "
        "| platform IBS0 rate (sites) | platform kinship |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for label, (ped, vcf, group) in FILES.items():
        with tempfile.TemporaryDirectory() as work:
            done = subprocess.run([python, "-c", PEDDY_SCRIPT, str(public_file(ped)), str(public_file(vcf))], cwd=work,
                                  capture_output=True, text=True, check=True)
        peddy_pairs = json.loads(done.stdout.strip().splitlines()[-1])
        case_import = case_import_prepare(
            patient_group=PatientGroup.objects.get(code=group),
            department=department,
            send_to_worker=False,
            ped_path=public_file(ped),
            vcf_path=public_file(vcf),
            case_identifier=f"BENCH-ID-{abs(hash(label)) % 10**6}",
            replace=True,
        )
        job_run(case_import.job_id)
        case_import.refresh_from_db()
        qc = case_import.statistics["sample_qc"]
        for p in peddy_pairs:
            ours = next(q for q in qc["pairs"] if set(q["samples"]) == {p["sample_a"], p["sample_b"]})
            print(f"| {label} | {p['sample_a']}-{p['sample_b']} | {p['rel']:.4f} | {ours['relatedness']:.4f} | "
                  f"{ours['relatedness'] - p['rel']:+.4f} | {p['ibs0'] / p['n']:.4f} ({p['n']}) | "
                  f"{ours['ibs0_rate']:.4f} ({ours['informative_sites']}) | {ours['kinship']:.4f} |")
        print(f"| {label} | sexes | | {', '.join(s['sample'] + ' ' + s['inferred_sex'] for s in qc['samples'])} "
              f"| | | | |")


if __name__ == "__main__":
    main()
