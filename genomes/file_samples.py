"""Which of a case's samples a later-arriving file's columns carry (repeat and mitochondrial files): by the sample
names the case was imported with, or as ``--sample INDIVIDUAL=COLUMN`` names them; a file carrying none of them
is refused naming its samples."""
from __future__ import annotations

from core.errors import InputFileError
from genomes.models import Case, Sample


def file_columns(case: Case, file_samples: list[str], name: str, sample_map: dict[str, str]) -> dict[int, Sample]:
    """File column index -> the case's sample it carries."""
    samples = list(case.samples.select_related("individual"))
    by_name = {s.vcf_sample_name: s for s in samples}
    for individual, column_name in sample_map.items():
        found = next((s for s in samples if s.individual.individual_id == individual), None)
        if found is None:
            raise InputFileError(name, None, "--sample", f"{individual} is not an individual of {case.identifier}")
        by_name[column_name] = found
    chosen = {index: by_name[column_name] for index, column_name in enumerate(file_samples)
              if column_name in by_name}
    if not chosen:
        raise InputFileError(name, None, "#CHROM", f"none of the file's samples ({', '.join(file_samples[:5])}) is "
                                                   f"a sample of {case.identifier}: name them with --sample "
                                                   "INDIVIDUAL=COLUMN")
    return chosen
