"""A case's structural and copy-number calls as the geneticist reads them: the calls meeting the view's conditions
(genomes.sv.selectors), the inheritance modes each fits in the family, and the facts that qualify it (low
confidence when a parent's genotype is weak: GQ below 20, FT not PASS, or its PL favouring another genotype).

Inheritance, with the same names as small variants: ``de_novo`` (the proband carries it, both sequenced parents
are reference), ``ar_hom`` (homozygous, or hemizygous on a male's X: both copies lost or changed, each parent at
most a carrier), ``x_linked`` (a male proband's X outside the pseudoautosomal regions, the mother not homozygous,
the father not carrying it unless affected), ``ad`` (the proband carries it and no unaffected parent does),
``comp_het`` (a heterozygous SV breaking a gene, and a rare heterozygous small variant changing that gene's protein
or splicing, from different parents; in a case without both parents the pair is offered with its phase unknown;
from the same parent, never). A mode is never claimed without the parents' calls: a parent missing from the file
leaves de novo unproven."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.db.models import Q

from genomes.models import Case, StructuralVariant
from genomes.selectors import family_of_case
from genomes.sv.dosage import DosageIndex
from genomes.sv.national import cluster_counts
from genomes.sv.selectors import (
    SvConditions,
    SvFilterError,
    structural_variants_of,
    sv_carried_by,
    sv_covering_established_dosage_genes,
    sv_fitting_any,
    sv_with_national_families_at_most,
)
from genomes.variant_identity import in_pseudoautosomal_region
from interpret.acmg.cnv import cnv_direction, cnv_point_suggestions

INHERITANCE_MODES = ("de_novo", "ar_hom", "x_linked", "ad", "comp_het")
# A compound heterozygote of an SV and a small variant: the SV must break the gene (not only lie in an intron), the
# small variant be rare and change the protein or splicing.
COMPOUND_OVERLAPS = ("whole_gene", "exons", "breakpoint")
COMPOUND_MAX_POPMAX = 0.01
LOW_GQ = 20
REF, HET, HOM, HEMI, CALLED, NO_CALL = 0, 1, 2, 3, 4, -1
CARRYING = {HET, HOM, HEMI, CALLED}
ZYGOSITY_LABELS = {REF: "reference", HET: "heterozygous", HOM: "homozygous", HEMI: "hemizygous",
                   CALLED: "called (zygosity not stated)", NO_CALL: "not called"}


@dataclass
class SvSettings:
    conditions: SvConditions = field(default_factory=SvConditions)
    inheritance: list[str] = field(default_factory=list)
    proband_carries: bool = True
    dosage_sensitive_only: bool = False  # calls covering a gene with an established dosage score (ClinGen 3)
    max_national_families: int | None = None  # germline families nationally (this case's own included)
    sort: str = "priority"
    panels: list[str] = field(default_factory=list)  # codes (code:version); empty: the group's default panels
    panel_genes_only: bool = False


def _weak(call: dict | None) -> list[str]:
    """Why a parent's reference call cannot be trusted, if it cannot."""
    if not call:
        return ["not in the file"]
    reasons = []
    if call.get("gq") is not None and call["gq"] < LOW_GQ:
        reasons.append(f"GQ {call['gq']:g}")
    if call.get("ft") and call["ft"] != "PASS":
        reasons.append(f"FT {call['ft']}")
    likelihoods = call.get("pl")
    gt = call.get("gt", "")
    if likelihoods and len(likelihoods) == 3 and gt in ("0/0", "0|0", "0/1", "0|1", "1/0", "1|1", "1/1"):
        stated = {"0/0": 0, "0|0": 0, "1/1": 2, "1|1": 2}.get(gt, 1)
        best = min(range(3), key=lambda i: likelihoods[i])
        if best != stated:
            reasons.append(f"PL {','.join(map(str, likelihoods))} favours "
                           f"{('0/0', '0/1', '1/1')[best]} over {gt}")
    return reasons


def _modes(row, family) -> tuple[list[str], list[str], dict]:
    """(the modes the call fits, the reasons its fit is of low confidence, the other relatives' segregation)."""
    genotypes = row.genotypes
    proband = genotypes[family.proband]
    if proband not in CARRYING:
        return [], [], _no_segregation()
    modes, doubts = [], []
    parents = [(position, affected) for position, affected in (
        (family.father, family.father_affected), (family.mother, family.mother_affected)) if position is not None]
    calls = row.sample_calls
    parent_gts = {position: genotypes[position] for position, _ in parents}
    if len(parents) == 2 and all(gt == REF for gt in parent_gts.values()):
        modes.append("de_novo")
        for position, _ in parents:
            doubts += [f"{'father' if position == family.father else 'mother'}: {reason}"
                       for reason in _weak(calls[position] if position < len(calls) else None)]
    if proband in (HOM, HEMI) and all(gt != HOM for gt in parent_gts.values()):
        modes.append("ar_hom")
    haploid_x = (row.chrom == "X" and family.proband_male
                 and not in_pseudoautosomal_region(family.build or "GRCh38", "X", row.start))
    if haploid_x and parent_gts.get(family.mother) != HOM and (
            parent_gts.get(family.father) not in CARRYING or family.father_affected):
        modes.append("x_linked")
    if all(parent_gts[position] not in CARRYING or affected for position, affected in parents):
        modes.append("ad")
    # the other sequenced relatives, as genomes.sv.selectors.sv_relatives_agree judges them in SQL
    segregation = _sv_segregation(modes, genotypes, family)
    return [mode for mode in modes if mode not in segregation["contradicted_modes"]], doubts, segregation


def _no_segregation() -> dict:
    return {"support": [], "contradict": [], "contradicted_modes": []}


def _relative_contradicts(mode: str, gt: int, relative) -> bool | None:
    """Whether one relative's SV genotype contradicts ``mode`` (None: it says nothing of it). Full penetrance,
    as the SQL filter: an unaffected carrier contradicts a dominant call."""
    carrying = gt in CARRYING
    if mode == "de_novo":
        return carrying
    if mode == "ad":
        return gt == REF if relative.affected else carrying
    if mode == "ar_hom":
        return gt in (REF, HET) if relative.affected else gt in (HOM, HEMI)
    if mode == "x_linked":
        if relative.male and not relative.affected:
            return carrying
        if relative.affected:
            return gt == REF
    return None


def _sv_segregation(modes: list[str], genotypes: list[int], family) -> dict:
    """Who of the relatives of known affection supports and who contradicts the call's modes (the labels the
    small-variant table shows, interpret.rules.segregation), and the modes contradicted."""
    found = _no_segregation()
    contradicted = set()
    for relative in getattr(family, "relatives", ()):
        if relative.affected is None or relative.position >= len(genotypes) or genotypes[relative.position] is None:
            continue
        verdicts = {mode: _relative_contradicts(mode, genotypes[relative.position], relative) for mode in modes}
        verdicts = {mode: wrong for mode, wrong in verdicts.items() if wrong is not None}
        if not verdicts:
            continue
        label = f"{relative.individual} ({relative.relation}, {'affected' if relative.affected else 'unaffected'})"
        against = {mode for mode, wrong in verdicts.items() if wrong}
        contradicted |= against
        found["contradict" if against else "support"].append(label)
    found["contradicted_modes"] = sorted(contradicted)
    return found


@dataclass
class SvResult:
    count: int          # the calls meeting the settings
    rows: list[dict]    # the ones asked for (a page, or all)
    panel_versions: list = field(default_factory=list)  # the panel versions whose genes it marked


def structural_analysis(case: Case, settings: SvSettings, *, page: int = 1,
                        page_size: int | None = None) -> SvResult:
    """The case's calls meeting ``settings`` (counted in the database), and the rows of the page asked for
    (``page_size`` None: all), each with its genotypes, genes, modes, doubts, dosage, CNV points and national
    counts."""
    unknown = [m for m in settings.inheritance if m not in INHERITANCE_MODES]
    if unknown:
        raise SvFilterError(f"inheritance: {', '.join(unknown)} not among {', '.join(INHERITANCE_MODES)}")
    family = family_of_case(case)
    samples = list(case.samples.select_related("individual").order_by("position"))
    dosage = DosageIndex(case.genome_build)
    versions, panel_genes = sv_panel_genes(case, settings.panels)
    conditions = settings.conditions
    if settings.panel_genes_only:  # a copy: the caller's settings stay as given
        conditions = replace(conditions, genes=sorted(set(conditions.genes) | set(panel_genes)) or ["(no panel gene)"])
    priority = sv_fitting_any(["de_novo", "ar_hom", "x_linked"], family, case.genome_build) if family else None
    calls = structural_variants_of(case, conditions, sort=settings.sort, panel_genes=panel_genes,
                                   priority=priority)
    if family is not None and settings.proband_carries:
        calls = calls.filter(sv_carried_by(family.proband))
    partners: dict[int, list[dict]] = {}
    if settings.inheritance:
        modes = [m for m in settings.inheritance if m != "comp_het"]
        condition = sv_fitting_any(modes, family, case.genome_build)
        if "comp_het" in settings.inheritance:
            partners = compound_partners(case, family, calls)
            condition |= Q(pk__in=list(partners))
        calls = calls.filter(condition)
    if settings.max_national_families is not None:
        calls = sv_with_national_families_at_most(calls, settings.max_national_families)
    if settings.dosage_sensitive_only:
        calls = sv_covering_established_dosage_genes(calls, case.genome_build)
    count = calls.count()
    chosen = calls if page_size is None else calls[(page - 1) * page_size: page * page_size]
    rows = [_row(call, family, samples, dosage) for call in chosen]
    if rows and "comp_het" not in settings.inheritance and family is not None:
        partners = compound_partners(case, family, StructuralVariant.objects.filter(pk__in=[r["id"] for r in rows]))
    for row in rows:
        row["compound_partners"] = partners.get(row["id"], [])
        if row["compound_partners"]:
            row["inheritance"].append("comp_het")
    in_panels = set(panel_genes)
    for row in rows:
        row["panel_genes"] = sorted({g["gene"] for g in row["genes"]} & in_panels)
    counts = cluster_counts([row["cluster"] for row in rows if row["cluster"]])
    for row in rows:
        row["national"] = counts.get(row["cluster"], {"germline_carriers": 0, "germline_families": 0,
                                                       "somatic_carriers": 0})
    return SvResult(count, rows, versions)


def _sv_small_pairs(case: Case, family, calls, *, small_rows: list[dict] | None = None):
    """(SV call, small-variant row, gene, phase) for each compound heterozygote of a het SV of the proband that
    breaks a gene and a rare protein-changing het small variant of that gene: in trans by the parents' genotypes,
    or with its phase unknown without both parents; from the same parent (in cis) or unresolved, never.
    ``small_rows``: the small-variant rows to pair with (the variant table's), else the case's own, read here."""
    from genomes.case_variant_filters import (
        as_where,
        consequence_in,
        heterozygous,
        in_genes,
        popmax_at_most_or_missing,
    )
    from genomes.case_variants import rows_where
    from genomes.vcf.consequences import IN_FRAME, LOSS_OF_FUNCTION, MISSENSE_LIKE, SPLICE

    protein_changing = sorted(LOSS_OF_FUNCTION | MISSENSE_LIKE | SPLICE | IN_FRAME)
    case_import = case.imports.filter(is_current=True).first()
    if family is None or case_import is None:
        return
    structural = [call for call in calls.filter(**{f"genotypes__{family.proband}": HET})
                  .only("id", "chrom", "start", "end", "svtype", "genotypes", "gene_overlaps")
                  if any(o["overlap"] in COMPOUND_OVERLAPS for o in call.gene_overlaps)]
    genes = sorted({o["gene"] for call in structural for o in call.gene_overlaps if o["overlap"] in COMPOUND_OVERLAPS})
    if not genes:
        return
    if small_rows is None:
        where, params = as_where([in_genes(genes), heterozygous(family.proband), popmax_at_most_or_missing(
            COMPOUND_MAX_POPMAX), consequence_in(protein_changing)])
        small = rows_where(case_import, where, params, limit=20_000)
    else:
        wanted = set(protein_changing)
        small = [row for row in small_rows
                 if set(row["genes"] or []) & set(genes) and row["genotypes"][family.proband] == 1
                 and (row.get("gnomad_popmax") is None or row["gnomad_popmax"] <= COMPOUND_MAX_POPMAX)
                 and set(row.get("consequences") or [row.get("worst_consequence")]) & wanted]
    parents = [p for p in (family.father, family.mother) if p is not None]
    for call in structural:
        broken = {o["gene"] for o in call.gene_overlaps if o["overlap"] in COMPOUND_OVERLAPS}
        for row in small:
            shared = sorted(broken & set(row["genes"] or []))
            if not shared:
                continue
            if len(parents) == 2:
                sv_from = {p for p in parents if call.genotypes[p] in CARRYING}
                small_from = {p for p in parents if row["genotypes"][p] in (1, 2, 3)}
                if len(sv_from) != 1 or len(small_from) != 1 or sv_from == small_from:
                    continue  # in cis, de novo on one side, or not resolved by the parents
                phase = "in trans (each from another parent)"
            else:
                phase = "phase unknown (both parents not sequenced)"
            yield call, row, shared[0], phase


def compound_partners(case: Case, family, calls) -> dict[int, list[dict]]:
    """SV id -> the small variants it is a compound heterozygote with, among ``calls`` (a queryset of the case's
    calls; see _sv_small_pairs)."""
    found: dict[int, list[dict]] = {}
    for call, row, gene, phase in _sv_small_pairs(case, family, calls):
        found.setdefault(call.pk, []).append({
            "variant_id": row["variant_id"], "variant": f"{row['chrom']}-{row['pos']}-{row['ref']}-{row['alt']}",
            "gene": gene, "consequence": row["worst_consequence"], "phase": phase})
    return found


def structural_partners_of_small(case: Case, family, rows: list[dict]) -> dict[int, list[dict]]:
    """Small-variant row id -> the case's current SV calls it is a compound heterozygote with (the variant
    table's side of the same pairs): each as a partner, "comp_het" in trans, "possible_comp_het" unphased."""
    if family is None or not rows:
        return {}
    calls = StructuralVariant.objects.filter(case=case, sv_import__is_current=True)
    found: dict[int, list[dict]] = {}
    for call, row, gene, phase in _sv_small_pairs(case, family, calls, small_rows=rows):
        found.setdefault(row["id"], []).append({
            "id": None, "structural_variant_id": call.pk, "kind": "comp_het" if phase.startswith("in trans")
            else "possible_comp_het", "chrom": call.chrom, "pos": call.start, "end": call.end, "ref": "",
            "alt": f"<{call.svtype}>", "variant_id": None, "gene": gene,
            "label": f"{call.svtype} {call.chrom}:{call.start}-{call.end}"})
    return found


def sv_panel_genes(case: Case, panels: list[str]) -> tuple[list, list[str]]:
    """(the named panel versions, else the patient group's default ones; their green and amber genes)."""
    from django.core.exceptions import ValidationError

    from interpret.analysis.engine import resolve_panel_versions
    from panels.selectors import gene_set

    try:
        versions = resolve_panel_versions(case, {"panels": panels})
    except ValidationError as error:
        raise SvFilterError(f"panels: {'; '.join(error.messages)}") from None
    entries = gene_set(versions, confidences=("green", "amber")) if versions else {}
    return versions, sorted({entry["symbol"] for found in entries.values() for entry in found})


def _row(call, family, samples, dosage: DosageIndex) -> dict:
    modes, doubts, segregation = _modes(call, family) if family is not None else ([], [], _no_segregation())
    direction = cnv_direction(call.svtype, [(c or {}).get("cn") for c in call.sample_calls])
    covered = dosage.covered(call.chrom, call.start, call.end) if direction and dosage.loaded else []
    score = "haploinsufficiency" if direction == "loss" else "triplosensitivity"
    points = cnv_point_suggestions(
        direction=direction, genes=call.gene_overlaps, genes_annotated=call.genes_annotated,
        dosage=covered if dosage.loaded else None, population_af=call.population_af,
        de_novo="de_novo" in modes) if direction else []
    return {
        "id": call.pk, "chrom": call.chrom, "start": call.start, "end": call.end, "svtype": call.svtype,
        "subtype": call.subtype, "length": call.length, "mate": f"{call.mate_chrom}:{call.mate_pos}"
        if call.mate_chrom else "", "caller": call.caller, "filters": call.filters, "quality": call.quality,
        "genes": call.gene_overlaps, "nearest_gene": call.nearest_gene, "genes_annotated": call.genes_annotated,
        "population_af": call.population_af, "population_source": call.population_source or "not annotated",
        "genotypes": {sample.individual.individual_id: {
            "zygosity": ZYGOSITY_LABELS[call.genotypes[sample.position]],
            **(call.sample_calls[sample.position] or {})} for sample in samples},
        "inheritance": modes, "segregation": segregation, "low_confidence": doubts, "copy_number_change": direction,
        "dosage_sensitive_genes": [d for d in covered if d[score] is not None and 1 <= d[score] <= 3],
        "dosage_table_loaded": dosage.loaded, "cnv_points": points, "cluster": call.cluster_id,
    }


def sv_settings_from(values, *, many) -> SvSettings:
    """Settings from a query string (``many(name)`` lists a repeated parameter) or a JSON object; a value that
    cannot be used is a SvFilterError naming it."""
    def number(name, kind=int):
        raw = values.get(name)
        if raw in (None, ""):
            return None
        try:
            value = kind(raw)
        except (TypeError, ValueError):
            raise SvFilterError(f"{name}: {str(raw)[:40]!r} is not a number") from None
        if kind is float and value != value:
            raise SvFilterError(f"{name}: not a number")
        return value

    def listed(name) -> list[str]:
        raw = many(name)
        items = []
        for item in raw if isinstance(raw, (list, tuple)) else [raw]:
            if item is None:
                continue
            if not isinstance(item, str):
                raise SvFilterError(f"{name}: {str(item)[:40]!r} is not text")
            items += [part.strip() for part in item.split(",") if part.strip()]
        return items[:500]

    region = values.get("region") or ""
    if not isinstance(region, str):
        raise SvFilterError("region: not text")
    settings = SvSettings(
        conditions=SvConditions(
            types=[t.upper() for t in listed("types")], min_length=number("min_length"),
            max_length=number("max_length"),
            pass_only=str(values.get("pass_only") or "").lower() in ("1", "true", "on"),
            region=region[:100], genes=listed("genes"), overlaps=listed("overlaps"),
            max_population_af=number("max_population_af", float)),
        inheritance=listed("inheritance"), sort=str(values.get("sort") or "priority"),
        panels=listed("panels"), panel_genes_only=str(values.get("panel_genes") or "").lower() in ("1", "true", "on"),
        dosage_sensitive_only=str(values.get("dosage_sensitive") or "").lower() in ("1", "true", "on"),
        max_national_families=number("max_national_families"),
        proband_carries=str(values.get("all_calls") or "").lower() not in ("1", "true", "on"))
    settings.conditions.validate()
    return settings


def structural_call(case: Case, call_id: int) -> dict | None:
    """One of the case's calls as the SV tab shows it (genes, modes, dosage, CNV points), with its HGVS-style and
    ISCN-style descriptions; None when the case has no such call."""
    from genomes.sv.callers import CALLERS
    from genomes.sv.descriptions import sv_hgvs, sv_iscn

    call = StructuralVariant.objects.filter(case=case, pk=call_id).first()
    if call is None:
        return None
    family = family_of_case(case)
    samples = list(case.samples.select_related("individual").order_by("position"))
    row = _row(call, family, samples, DosageIndex(case.genome_build))
    caller = CALLERS.get(call.caller)
    proband_call = (call.sample_calls[family.proband] if family is not None and family.proband < len(
        call.sample_calls) else None) or {}
    copy_number = proband_call.get("cn")
    if copy_number is None and family is not None and row["copy_number_change"]:
        zygosity = call.genotypes[family.proband]
        copy_number = {HET: (1, 3), HOM: (0, 4), HEMI: (0, 2)}.get(zygosity, (None, None))[
            0 if row["copy_number_change"] == "loss" else 1]
    row["hgvs"] = sv_hgvs(build=case.genome_build, chrom=call.chrom, start=call.start, end=call.end,
                          svtype=call.svtype, direction=row["copy_number_change"], cipos=call.cipos,
                          ciend=call.ciend, from_depth=bool(caller and caller.copy_number))
    row.update(sv_iscn(build=case.genome_build, chrom=call.chrom, start=call.start, end=call.end,
                       svtype=call.svtype, direction=row["copy_number_change"], copy_number=copy_number))
    row["proband_zygosity"] = ZYGOSITY_LABELS[call.genotypes[family.proband]] if family is not None else ""
    return row


def sv_settings_in_words(settings: dict) -> list[str]:
    """A recorded SV run's filters as a report's methods state them."""
    conditions = settings.get("conditions") or {}
    words = ["Structural and copy-number calls" + (" the proband carries" if settings.get("proband_carries", True)
                                                   else "") + "."]
    if conditions.get("types"):
        words.append("Types: " + ", ".join(conditions["types"]) + ".")
    if conditions.get("min_length") is not None or conditions.get("max_length") is not None:
        words.append(f"Length from {conditions.get('min_length') or 0} to "
                     f"{conditions.get('max_length') or 'any'} bases.")
    if conditions.get("pass_only"):
        words.append("Calls that passed the caller's filters (FILTER PASS) only.")
    if conditions.get("max_population_af") is not None:
        words.append(f"Population frequency at most {conditions['max_population_af']:g} (calls the file carries no "
                     "frequency for are kept).")
    if settings.get("panel_genes_only"):
        words.append("Only calls touching a gene of the panels.")
    if settings.get("dosage_sensitive_only"):
        words.append("Only calls covering an established dosage-sensitive gene (ClinGen score 3).")
    if settings.get("max_national_families") is not None:
        words.append(f"Carried by at most {settings['max_national_families']} families nationally.")
    if settings.get("inheritance"):
        words.append("Inheritance: " + ", ".join(m.replace("_", " ") for m in settings["inheritance"]) + ".")
    return words
