"""Links from a variant page to the public resources a geneticist opens next. Plain links, built from the
variant and opened by the user in a new tab with no referrer (the case's address stays here); the server
fetches nothing."""
from __future__ import annotations

from urllib.parse import quote


def external_links(*, build: str, chrom: str, pos: int, ref: str, alt: str, gene: str | None,
                   rsid: str | None) -> list[dict]:
    grch38 = build == "GRCh38"
    variant = f"{chrom}-{pos}-{ref}-{alt}"
    ucsc_chrom = "chrM" if chrom == "MT" else f"chr{chrom}"
    end = pos + max(len(ref), 1) - 1
    links = [
        {
            "name": "gnomAD",
            "url": f"https://gnomad.broadinstitute.org/variant/{variant}?dataset="
            + ("gnomad_r4" if grch38 else "gnomad_r2_1"),
        },
        {
            "name": "ClinVar",
            "url": "https://www.ncbi.nlm.nih.gov/clinvar/?term="
            + quote(rsid if rsid else f"{chrom}[chr] AND {pos}[chrpos{'' if grch38 else '37'}]"),
        },
        {
            "name": "UCSC",
            "url": f"https://genome.ucsc.edu/cgi-bin/hgTracks?db={'hg38' if grch38 else 'hg19'}"
            f"&position={ucsc_chrom}:{max(1, pos - 25)}-{end + 25}",
        },
        {
            "name": "Ensembl",
            "url": f"https://{'www' if grch38 else 'grch37'}.ensembl.org/Homo_sapiens/Location/"
            f"View?r={chrom}:{max(1, pos - 25)}-{end + 25}",
        },
        {
            "name": "Franklin",
            "url": f"https://franklin.genoox.com/clinical-db/variant/snp/chr{variant}" + ("" if grch38 else "-hg19"),
        },
        {"name": "VarSome", "url": f"https://varsome.com/variant/{'hg38' if grch38 else 'hg19'}/chr{variant}"},
    ]
    if gene:
        links.insert(2, {"name": "OMIM", "url": f"https://www.omim.org/search?search={quote(gene)}"})
    return links
