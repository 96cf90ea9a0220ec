"""A repeat allele's status against its locus's thresholds, as stranger states the rule: normal when the repeat
count n <= NormalMax, a pre-mutation when n < PathologicMin, a full mutation otherwise; a locus without both
thresholds is unclassified. A person's status at a locus is their worst allele's, except that an autosomal
recessive locus is a full mutation only when both alleles are at or above PathologicMin (one is a carrier)."""
from __future__ import annotations

NORMAL, PRE_MUTATION, FULL_MUTATION, CARRIER, UNCLASSIFIED = (
    "normal", "pre_mutation", "full_mutation", "carrier", "unclassified")
STATUS_RANK = {UNCLASSIFIED: -1, NORMAL: 0, CARRIER: 1, PRE_MUTATION: 1, FULL_MUTATION: 2}
STATUS_LABELS = {NORMAL: "normal", PRE_MUTATION: "pre-mutation", FULL_MUTATION: "full mutation",
                 CARRIER: "carrier (one full-mutation allele, recessive locus)", UNCLASSIFIED: "unclassified"}
RECESSIVE = ("AR", "XR")


def allele_status(size: int | None, normal_max: int | None, pathologic_min: int | None) -> str:
    if size is None or normal_max is None or pathologic_min is None:
        return UNCLASSIFIED
    if size <= normal_max:
        return NORMAL
    if size < pathologic_min:
        return PRE_MUTATION
    return FULL_MUTATION


def worst(statuses: list[str]) -> str:
    return max(statuses, key=lambda status: STATUS_RANK[status], default=UNCLASSIFIED)


def person_status(sizes: list[int | None], normal_max: int | None, pathologic_min: int | None, inheritance: str,
                  *, haploid: bool = False) -> str:
    """The status of a person's alleles at a locus (``haploid``: a man's X, one allele)."""
    statuses = [allele_status(size, normal_max, pathologic_min) for size in sizes if size is not None]
    if not statuses:
        return UNCLASSIFIED
    found = worst(statuses)
    if found == FULL_MUTATION and inheritance in RECESSIVE and not haploid and len(statuses) == 2 \
            and statuses.count(FULL_MUTATION) == 1:
        return CARRIER
    return found
