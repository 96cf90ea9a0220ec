"""Real public test files, all inside this repository.

Paths are named the way the upstream sources lay them out (``scout-demo/643594.ped``, ``gtf/...``); most live in
``tests/data/<source>/`` beside their PROVENANCE.md and licence. Files the demo already ships are read from the
demo's folders rather than stored twice.
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST_DATA = ROOT / "tests" / "data"

SHIPPED_BY_THE_DEMO = {
    "scout-demo/643594.clinical.vcf.gz": ROOT / "genomes" / "demo_data" / "643594.clinical.vcf.gz",
    "scout-demo/643594.ped": ROOT / "genomes" / "demo_data" / "643594.ped",
    "sv-cnv/scout-643594.clinical.SV.vcf.gz": ROOT / "genomes" / "demo_data" / "643594.clinical.SV.vcf.gz",
    "str/scout-643594.clinical.str.stranger.vcf.gz":
        ROOT / "genomes" / "demo_data" / "643594.clinical.str.stranger.vcf.gz",
    "str/stranger-variant_catalog_grch37.json": ROOT / "genomes" / "demo_data" / "stranger-variant_catalog_grch37.json",
    "scout-demo/cancer_test.vcf.gz": ROOT / "genomes" / "demo_data" / "cancer_test.vcf.gz",
    "scout-demo/cancer_test.ped": ROOT / "genomes" / "demo_data" / "cancer_test.ped",
    "scout-demo/resources/panelapp_panels.jsonl": ROOT / "panels" / "demo_data" / "panelapp_panels.jsonl",
    "scout-demo/resources/hgnc_reduced_set.txt": ROOT / "panels" / "reference_data" / "hgnc_reduced_set.txt",
    "gtf/grch38_chr1_head.ensembl.gtf.gz": ROOT / "panels" / "reference_data" / "grch38_chr1_head.ensembl.gtf.gz",
    "gtf/grch37_chr1_head.ensembl75.gtf.gz": ROOT / "panels" / "reference_data" / "grch37_chr1_head.ensembl75.gtf.gz",
}


def public_file(relative: str) -> Path:
    path = SHIPPED_BY_THE_DEMO.get(relative, TEST_DATA / relative)
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: copy the file with its PROVENANCE into tests/data/")
    return path
