"""Importing a family larger than the compiled record screen takes (issue 29: whole families): the screen counts
genotype patterns in a dense table and takes at most 6 samples (genomes/vcf/_screen.c MAX_SAMPLES); a family of
more people is read by the Python screen instead. This measures both on the same records side by side: a family
of 6 (trio and three siblings: the compiled screen) and of 10 (seven siblings: the Python fallback), each imported
with the parallel workers, as a worker imports a case.

    INTERPRET_DATA_DIR=/tmp/bench-family .venv/bin/python bench/family_screen.py [--records 200000]

The records: a synthetic trio of generate_cohort (real gene positions, VEP-style annotation), with siblings
added whose genotypes each take one allele from each parent (Mendelian), bgzipped.
"""
import argparse
import gzip
import io
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interpret.settings")
os.environ.setdefault("HTTPS", "false")
os.environ["IMPORT_PARALLEL_MIN_BYTES"] = "0"  # the parallel path, where the screen runs

import django  # noqa: E402

django.setup()

import pysam  # noqa: E402
from django.core.management import call_command  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--records", type=int, default=200_000)
args = parser.parse_args()
call_command("bootstrap", verbosity=0)

from core.models import Department  # noqa: E402
from genomes.vcf import screen  # noqa: E402

work = Path(tempfile.mkdtemp(prefix="bench-family-"))
call_command("generate_cohort", "--out", str(work), "--records", str(args.records), "--families", "1",
             "--gtf", str(ROOT / "panels/reference_data/grch38_chr1_head.ensembl.gtf.gz"), stdout=io.StringIO())
trio_vcf = next(work.rglob("*.vcf.gz"))
trio_ped = next(work.rglob("*.ped"))
rng = random.Random(29)


def allele(genotype: str) -> str:
    alleles = genotype.replace("|", "/").split("/")
    return rng.choice(alleles) if len(alleles) == 2 else alleles[0]


def family(siblings: int) -> tuple[Path, Path]:
    """The trio with ``siblings`` more children (Mendelian genotypes), bgzipped, and its pedigree."""
    plain = work / f"family{siblings}.vcf"
    with gzip.open(trio_vcf, "rt") as source, open(plain, "w") as out:
        for line in source:
            if line.startswith("##"):
                out.write(line)
                continue
            fields = line.rstrip("\n").split("\t")
            if line.startswith("#CHROM"):
                out.write("\t".join(fields + [f"SIB{n}" for n in range(1, siblings + 1)]) + "\n")
                continue
            keys = fields[8].split(":")
            father, mother = (dict(zip(keys, fields[i].split(":"))).get("GT", "./.") for i in (10, 11))
            extra = []
            for _ in range(siblings):
                genotype = f"{allele(father)}/{allele(mother)}" if "." not in father + mother else "./."
                extra.append(":".join([genotype] + ["." for _ in keys[1:]]))
            out.write("\t".join(fields + extra) + "\n")
    compressed = Path(f"{plain}.gz")
    pysam.tabix_compress(str(plain), str(compressed), force=True)
    lines = trio_ped.read_text().splitlines()
    people = [line.split("\t") for line in lines if line and not line.startswith("#")]
    child = next(p for p in people if p[2] not in ("0", ""))
    ped = work / f"family{siblings}.ped"
    ped.write_text("\n".join(lines) + "\n" + "".join(
        f"{child[0]}\tSIB{n}\t{child[2]}\t{child[3]}\t{1 + n % 2}\t1\n" for n in range(1, siblings + 1)))
    return compressed, ped


Department.objects.get_or_create(code="bench-family", defaults={"name": "Benchmark department"})
print("| family | samples | screen | records | import s | records/s |")
print("|---|---|---|---|---|---|")
for siblings in (3, 7):
    vcf, ped = family(siblings)
    samples = 3 + siblings
    out = io.StringIO()
    started = time.perf_counter()
    call_command("import_case", "--patient-group", "RARE", "--department", "bench-family", "--ped", str(ped),
                 "--vcf", str(vcf), "--case-id", f"BENCH-FAMILY-{samples}-{int(time.time())}", "--wait",
                 stdout=out)
    seconds = time.perf_counter() - started
    outcome = json.loads(out.getvalue())
    assert outcome["status"] == "done", outcome
    kind = "compiled" if samples <= screen._compiled.MAX_SAMPLES else "Python fallback"
    print(f"| trio + {siblings} siblings | {samples} | {kind} | {outcome['records_read']:,} | {seconds:.1f} | "
          f"{outcome['records_read'] / seconds:,.0f} |")
