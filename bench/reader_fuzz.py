#!/usr/bin/env python
"""Reliability figure: mutated VCFs through bare cyvcf2 and through the import's reading path, counting how many
end in rows, in an error naming the file, or in a dead process (segmentation fault).

    .venv/bin/python bench/reader_fuzz.py [--inputs 2000] [--seed 1]

Inputs are the Scout demo trio's first 40 records (genomes/demo_data), mutated as the property tests
do (tests/genomes/vcf/test_reader_properties.py): fields replaced by odd text, dropped, added, FORMAT keys
shuffled. Each way of reading runs in child processes that are restarted after a crash, so every input counts.
docs/reliability.md has the figures.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCOUT_TRIO = ROOT / "genomes" / "demo_data" / "643594.clinical.vcf.gz"

ODD = ["", ".", "-1", "1e400", "nan", "inf", "chr25", "N" * 300, "<DEL>", "*", "0/1/2", "./.", "1|2", "A,C",
       "99999999999", ";;;", "=", "\\", ":", "::", ",", "0", "-", " ", "1/", "/1", "|", "a", "\x01", "é"]

CHILD = """
import json, os, sys
sys.path.insert(0, {root!r})
how, paths = sys.argv[1], sys.argv[2:]
from core.errors import InputFileError
from genomes.vcf.contig_guard import contig_guard
from genomes.vcf.evidence_fields import DEFAULT_INFO_FIELDS
from genomes.vcf.header import open_vcf
from genomes.vcf.limits import GuardedVcf, ReadLimits
from genomes.vcf.records import ReadPolicy, VcfReader
import cyvcf2
for path in paths:
    print("start", path, flush=True)
    try:
        if how == "bare":
            for record in cyvcf2.VCF(path, gts012=False):
                record.genotype.array()
                for key in record.FORMAT:
                    record.format(key)
        else:
            limits = ReadLimits()
            _, header = open_vcf(path, limits=limits)
            policy = ReadPolicy(sample_columns=[0, 1, 2], info_fields=dict(DEFAULT_INFO_FIELDS), trio=(0, 1, 2))
            with GuardedVcf(path, limits, contig_guard(path, header, limits)).reading() as vcf:
                list(VcfReader(vcf, header, policy).rows())
        print("rows", path, flush=True)
    except InputFileError:
        print("error", path, flush=True)
    except Exception:  # bare cyvcf2 raises plain exceptions for what it refuses
        print("error" if how == "bare" else "other", path, flush=True)
"""


def mutated_inputs(directory: Path, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    lines = gzip.open(SCOUT_TRIO).read().decode().splitlines()
    header = [line for line in lines if line.startswith("#")]
    records = [line for line in lines if not line.startswith("#")][:40]

    def odd():
        if rng.random() < 0.6:
            return rng.choice(ODD)
        return "".join(rng.choice("01/|.,:;=-AGTCNx ") for _ in range(rng.randint(0, 8)))

    paths = []
    for k in range(count):
        chosen = [rng.choice(records) for _ in range(rng.randint(1, 4))]
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(chosen))
            fields = chosen[i].split("\t")
            how = rng.choice(["replace", "replace", "drop", "add", "format", "keys"])
            if how == "replace":
                fields[rng.randrange(len(fields))] = odd()
            elif how == "drop" and len(fields) > 1:
                fields.pop(rng.randrange(len(fields)))
            elif how == "add":
                fields.append(odd())
            elif how == "format" and len(fields) > 9:
                fields[rng.randrange(9, len(fields))] = ":".join(odd() for _ in range(rng.randint(0, 5)))
            elif how == "keys" and len(fields) > 9:
                fields[8] = ":".join(rng.sample(["GT", "AD", "DP", "GQ", "PL", "DV"], rng.randint(1, 5)))
            chosen[i] = "\t".join(fields)
        path = directory / f"{k:05d}.vcf"
        path.write_text("\n".join(header + chosen) + "\n")
        paths.append(str(path))
    return paths


def read_all(how: str, paths: list[str]) -> dict:
    outcomes = {"rows": 0, "error": 0, "other": 0, "crash": 0}
    remaining = list(paths)
    script = CHILD.format(root=str(ROOT))
    while remaining:
        done = subprocess.run([sys.executable, "-c", script, how, *remaining], capture_output=True, text=True,
                              cwd=ROOT)
        finished = set()
        started = None
        for line in done.stdout.splitlines():
            word, path = line.split(" ", 1)
            if word == "start":
                started = path
            else:
                outcomes[word] += 1
                finished.add(path)
        if done.returncode == 0:
            break
        outcomes["crash"] += 1  # the input being read when the process died
        finished.add(started)
        remaining = [p for p in remaining if p not in finished]
    return outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        paths = mutated_inputs(Path(directory), args.inputs, args.seed)
        result = {"inputs": len(paths), "seed": args.seed,
                  "bare_cyvcf2": read_all("bare", paths), "import_reading_path": read_all("guarded", paths)}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
