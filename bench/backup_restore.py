#!/usr/bin/env python
"""Backup and restore of an installation holding a WGS trio, on the embedded default.

    .venv/bin/python bench/backup_restore.py [--records 5000000] [--data /tmp/bench5m]

In two new data folders (the embedded database of each its own): `bootstrap --demo`, `import_case --wait` of the
synthetic trio of bench/import_wgs.py (generated once), `manage.py backup`, then `manage.py restore` into the
second folder. Prints one JSON object with the seconds, the backup's size and the rows restored;
docs/reliability.md records the figures.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from import_wgs import ensure_trio  # noqa: E402


def manage(data: Path, *args) -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATABASE_OWNER_URL")}
    env.update({"HTTPS": "false", "INTERPRET_DATA_DIR": str(data)})
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return round(time.perf_counter() - started, 1), done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5_000_000)
    parser.add_argument("--data", default="/tmp/bench5m")
    args = parser.parse_args()
    vcf = ensure_trio(Path(args.data), args.records)
    with tempfile.TemporaryDirectory() as scratch:
        source, target, folder = Path(scratch, "source"), Path(scratch, "target"), Path(scratch, "backup")
        manage(source, "bootstrap", "--demo")
        import_seconds, _ = manage(source, "import_case", "--patient-group", "RARE", "--department", "demo",
                                   "--ped", str(vcf.with_suffix("").with_suffix(".ped")), "--vcf", str(vcf), "--wait")
        backup_seconds, backup = manage(source, "backup", str(folder))
        size = sum(path.stat().st_size for path in folder.iterdir())
        restore_seconds, restore = manage(target, "restore", str(folder))
        tables = json.loads((folder / "manifest.json").read_text())["tables"]
    print(json.dumps({
        "records": args.records, "import_seconds": import_seconds,
        "backup_seconds": backup_seconds, "backup_bytes": size, "restore_seconds": restore_seconds,
        "restore_check": json.loads(restore), "backup": json.loads(backup),
        "case_variants": tables["genomes_casevariant"], "national_variants": tables["genomes_variant"],
    }, indent=2))


if __name__ == "__main__":
    main()
