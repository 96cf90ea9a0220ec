"""Reading a case's structural and copy-number calls by the conditions the SV view and the API offer: type, size,
FILTER, region, genes (any overlap) and overlap kind, population frequency (kept when not annotated). Inheritance
and the per-call facts are the interpretation layer's (interpret.analysis.structural)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from genomes.models import Case, DosageSensitivity, StructuralVariant, SvClusterObservation
from genomes.sv.reading import SV_TYPES
from genomes.variant_identity import is_primary_contig, normalize_contig, pseudoautosomal_bounds, xpos

# Genotype codes of StructuralVariant.genotypes (genomes.sv.importing.ZYGOSITY_CODES)
REF, HET, HOM, HEMI, CALLED = 0, 1, 2, 3, 4
CARRYING = (HET, HOM, HEMI, CALLED)

SORTS = {"position": ("xstart", "end", "id"), "length": ("-length", "xstart", "id"),
         "quality": ("-quality", "xstart", "id"),
         # the SV tab's default: calls touching the case's panel genes first, then those fitting the asked-for
         # priority modes (sv_prioritised annotates both), then by position
         "priority": ("-in_panel", "-fits_priority", "xstart", "end", "id")}
_REGION = re.compile(r"^(?:chr)?([0-9XYMT]{1,2})(?::([\d,]+)-([\d,]+))?$", re.IGNORECASE)
MAX_REGION = 250_000_000


class SvFilterError(ValueError):
    """A filter value that cannot be used (the message names it)."""


@dataclass
class SvConditions:
    types: list[str] = field(default_factory=list)
    min_length: int | None = None
    max_length: int | None = None
    pass_only: bool = False
    region: str = ""
    genes: list[str] = field(default_factory=list)
    overlaps: list[str] = field(default_factory=list)
    max_population_af: float | None = None

    def validate(self) -> None:
        unknown = [t for t in self.types if t not in SV_TYPES]
        if unknown:
            raise SvFilterError(f"types: {', '.join(unknown)} not among {', '.join(SV_TYPES)}")
        for name in ("min_length", "max_length"):
            value = getattr(self, name)
            if value is not None and not (0 <= value <= 3_000_000_000):
                raise SvFilterError(f"{name}: {value} is not a length in bases")
        if self.max_population_af is not None and not (0 <= self.max_population_af <= 1):
            raise SvFilterError(f"max_population_af: {self.max_population_af} is not a frequency")
        if self.region:
            region_bounds(self.region)


def region_bounds(text: str) -> tuple[int, int]:
    """(first, last) xpos of "1:1000000-2000000" or a whole chromosome "X"."""
    match = _REGION.match(text.strip().replace(" ", ""))
    if not match:
        raise SvFilterError(f"region: {text!r} is not chrom:start-end or a chromosome")
    chrom = normalize_contig(match.group(1))
    if not is_primary_contig(chrom):
        raise SvFilterError(f"region: unknown chromosome {match.group(1)!r}")
    if match.group(2) is None:
        return xpos(chrom, 1), xpos(chrom, MAX_REGION)
    start, end = (int(match.group(n).replace(",", "")) for n in (2, 3))
    if end < start:
        raise SvFilterError(f"region: {text!r} ends before it starts")
    return xpos(chrom, start), xpos(chrom, end)


def structural_variants_of(case: Case, conditions: SvConditions, *, sort: str = "position",
                           panel_genes: list[str] = (), priority: Q | None = None) -> QuerySet:
    """The case's current calls meeting ``conditions``, in ``sort`` order ("priority": touching ``panel_genes``
    first, then fitting ``priority``, then by position)."""
    conditions.validate()
    calls = StructuralVariant.objects.filter(case=case, sv_import__is_current=True)
    if conditions.types:
        calls = calls.filter(svtype__in=conditions.types)
    if conditions.min_length is not None:
        calls = calls.filter(Q(length__gte=conditions.min_length) | Q(length__isnull=True, svtype="BND"))
    if conditions.max_length is not None:
        calls = calls.filter(length__lt=conditions.max_length)
    if conditions.pass_only:
        calls = calls.filter(Q(filters=["PASS"]) | Q(filters=[]))
    if conditions.region:
        low, high = region_bounds(conditions.region)
        calls = calls.filter(xstart__lte=high, xend__gte=low)  # any overlap with the region
    if conditions.genes:
        given = [g.strip() for g in conditions.genes if g.strip()]
        wanted = sorted(set(given) | {g.upper() for g in given})  # symbols as written, and as typed in capitals
        calls = calls.filter(genes__overlap=wanted) if wanted else calls
    if conditions.overlaps:
        calls = calls.filter(Q(*[Q(gene_overlaps__contains=[{"overlap": kind}]) for kind in conditions.overlaps],
                               _connector=Q.OR))
    if conditions.max_population_af is not None:
        calls = calls.filter(Q(population_af__lte=conditions.max_population_af) | Q(population_af__isnull=True))
    if sort not in SORTS:
        raise SvFilterError(f"sort: {sort!r} is one of {', '.join(SORTS)}")
    if sort == "priority":
        calls = sv_prioritised(calls, panel_genes=list(panel_genes), priority=priority)
    return calls.order_by(*SORTS[sort])


# Inheritance as conditions on the genotype arrays (the interpretation layer's rules, interpret.analysis.structural,
# label each call with the same modes): the database keeps only the calls that fit, so a page is read without
# holding the case's other calls.

def sv_carried_by(position: int) -> Q:
    return Q(**{f"genotypes__{position}__in": list(CARRYING)})


def sv_relatives_agree(mode: str, family) -> Q:
    """The other sequenced relatives of known affection do not contradict ``mode`` (interpret.rules.segregation's
    rules over SV genotypes; a relative without a call, or called without zygosity where it matters, says
    nothing). Full penetrance: an unaffected carrier contradicts a dominant call."""
    condition = Q()
    for relative in getattr(family, "relatives", ()):
        if relative.affected is None:
            continue
        at = relative.position
        carrying = sv_carried_by(at)
        if mode == "de_novo":
            condition &= ~carrying
        elif mode == "ad":
            condition &= ~Q(**{f"genotypes__{at}": REF}) if relative.affected else ~carrying
        elif mode == "ar_hom":
            condition &= (~Q(**{f"genotypes__{at}__in": [REF, HET]}) if relative.affected
                          else ~Q(**{f"genotypes__{at}__in": [HOM, HEMI]}))
        elif mode == "x_linked":
            if relative.male and not relative.affected:
                condition &= ~carrying
            elif relative.affected:
                condition &= ~Q(**{f"genotypes__{at}": REF})
    return condition


def _sv_mode(mode: str, family, build: str) -> Q:
    return _sv_mode_in_trio(mode, family, build) & sv_relatives_agree(mode, family)


def _sv_mode_in_trio(mode: str, family, build: str) -> Q:
    proband = family.proband
    parents = [(p, affected) for p, affected in ((family.father, family.father_affected),
                                                  (family.mother, family.mother_affected)) if p is not None]
    if mode == "de_novo":
        if len(parents) < 2:
            return Q(pk__in=[])  # never claimed without both parents' calls
        return sv_carried_by(proband) & Q(**{f"genotypes__{family.father}": REF, f"genotypes__{family.mother}": REF})
    if mode == "ar_hom":
        condition = Q(**{f"genotypes__{proband}__in": [HOM, HEMI]})
        for position, _ in parents:
            condition &= ~Q(**{f"genotypes__{position}": HOM})
        return condition
    if mode == "x_linked":
        if not family.proband_male:
            return Q(pk__in=[])
        par1_end, par2_start = pseudoautosomal_bounds(build or "GRCh38", "X")
        condition = sv_carried_by(proband) & Q(chrom="X", start__gt=par1_end, start__lt=par2_start)
        if family.mother is not None:
            condition &= ~Q(**{f"genotypes__{family.mother}": HOM})
        if family.father is not None and not family.father_affected:
            condition &= ~sv_carried_by(family.father)
        return condition
    if mode == "ad":
        condition = sv_carried_by(proband)
        for position, affected in parents:
            if not affected:
                condition &= ~sv_carried_by(position)
        return condition
    raise SvFilterError(f"inheritance: {mode!r} is not a mode of structural variants")


def sv_fitting_any(modes: list[str], family, build: str) -> Q:
    """Calls fitting any of ``modes`` in ``family`` (genomes.family.Family); none without a family."""
    if family is None:
        return Q(pk__in=[])
    either = Q(pk__in=[])
    for mode in modes:
        either |= _sv_mode(mode, family, build)
    return either


def sv_with_national_families_at_most(calls: QuerySet, families: int) -> QuerySet:
    total = (SvClusterObservation.objects.filter(cluster_id=OuterRef("cluster_id"), origin="germline")
             .values("cluster_id").annotate(total=Sum("families")).values("total"))
    return calls.annotate(national_families=Coalesce(Subquery(total), 0)).filter(national_families__lte=families)


def sv_covering_established_dosage_genes(calls: QuerySet, build: str) -> QuerySet:
    """Deletions covering a gene of haploinsufficiency score 3, duplications one of triplosensitivity 3 (a CNV
    call either), by ClinGen's table for the build."""
    established = DosageSensitivity.objects.filter(build=build, chrom=OuterRef("chrom"), start__lte=OuterRef("end"),
                                                   end__gte=OuterRef("start"))
    loss = Exists(established.filter(haploinsufficiency=3))
    gain = Exists(established.filter(triplosensitivity=3))
    return calls.filter((Q(svtype="DEL") & loss) | (Q(svtype="DUP") & gain) | (Q(svtype="CNV") & (loss | gain)))


def sv_prioritised(calls: QuerySet, *, panel_genes: list[str], priority: Q | None) -> QuerySet:
    """Annotate what the "priority" order sorts by: touching a panel gene, fitting a priority mode."""
    from django.db.models import Case as Cases
    from django.db.models import IntegerField, Value, When

    def flag(condition: Q | None):
        if condition is None:
            return Value(0, output_field=IntegerField())
        return Cases(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())

    return calls.annotate(in_panel=flag(Q(genes__overlap=panel_genes) if panel_genes else None),
                          fits_priority=flag(priority))
