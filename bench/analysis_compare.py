"""Compare `analyse_case --json` outputs of the same cases made by two commits (bench/analysis_ab.sh): per case and
run, the candidates (variant, gene, transcript, HGVS, consequence, inheritance, score, tier) of each, and the
differences. Run ids and timings are not compared.

    .venv/bin/python bench/analysis_compare.py /tmp/analysis-ab/out-e6ead4e /tmp/analysis-ab/out-abc1234
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

FIELDS = ("chrom", "pos", "ref", "alt", "gene", "transcript", "hgvsc", "hgvsp", "consequence", "inheritance",
          "score", "tier", "genotypes", "gnomad_popmax", "clinvar")


def candidates(path: Path) -> list[tuple]:
    rows = json.loads(path.read_text())
    return [tuple(json.dumps(row.get(field), sort_keys=True) for field in FIELDS) for row in rows]


def main(before: Path, after: Path) -> int:
    names = sorted({p.name for p in before.glob("*.json")} | {p.name for p in after.glob("*.json")})
    differing = 0
    print(f"| case and run | {before.name} | {after.name} | same |\n|---|---|---|---|")
    for name in names:
        old = candidates(before / name) if (before / name).exists() else None
        new = candidates(after / name) if (after / name).exists() else None
        same = old == new
        differing += not same
        print(f"| {name.removesuffix('.json')} | {len(old) if old is not None else '-'} | "
              f"{len(new) if new is not None else '-'} | {'yes' if same else '**no**'} |")
        if not same and old is not None and new is not None:
            for row in sorted(set(old) - set(new))[:5]:
                print(f"|   only {before.name}: {', '.join(row[:5])} | | | |")
            for row in sorted(set(new) - set(old))[:5]:
                print(f"|   only {after.name}: {', '.join(row[:5])} | | | |")
    print(f"\n{len(names) - differing} of {len(names)} analyses identical")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
