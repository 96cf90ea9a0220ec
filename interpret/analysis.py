"""One filter engine for the variant table, the REST API and analyse_case: settings in, ranked candidates out,
every run recorded (FilterRun) with the exact settings and panel versions so it can be repeated.

Work is split where it is cheapest: PostgreSQL narrows the case's stored rows (one hash partition, by case and
current import) with every filter that is a column predicate, plus a superset of the inheritance rules; Python
then applies the exact inheritance rules (interpret.inheritance), pairs compound hets per gene, adds national
cohort counts for the survivors, scores, sorts and pages.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from genomes.consequences import CONSEQUENCE_IMPACT
from interpret.inheritance import MODES, Family, compound_het_pairs, family_of_case, modes_of_row, sql_prefilter
from interpret.models import FilterPreset, FilterRun
from interpret.scoring import score_parts, score_total

logger = logging.getLogger(__name__)
IMPACTS = ("HIGH", "MODERATE", "LOW", "MODIFIER")
CONFIDENCE_SETS = {"green": ("green",), "green_amber": ("green", "amber"), "all": ("green", "amber", "red")}
CONFIDENCE_RANK = {"green": 0, "amber": 1, "red": 2}
SORTS = ("score", "position", "gene", "popmax", "cadd", "revel", "cohort")
MAX_ROWS = 20_000  # beyond this the filters are too loose to read; the UI says so
# Paging and re-sorting the variant table reuse the filtered, scored candidates for this long. The key holds
# everything the candidates depend on (the import, the settings, the panel versions, the national cohort), so
# a reused list is the list a new run would give; the time bounds how long patient rows sit in the cache.
RESULT_REUSE_SECONDS = 600
RESULT_REUSE_MAX_CANDIDATES = 5_000
RESULT_REUSE_VERSION = 2  # raise when the engine's output changes for the same inputs
REGION = re.compile(r"^(?:chr)?([0-9XYMT]{1,2}):(\d[\d,]*)-(\d[\d,]*)$", re.IGNORECASE)

DEFAULTS = {
    "panels": [],            # ["code" or "code:1.2"]; empty: the patient group's default panels
    "genome_wide": False,    # True: no panel restriction; panel genes are still marked
    "panel_confidence": "green_amber",
    "max_popmax": 0.01,
    "max_af": None,
    "max_cohort_families": None,
    "impacts": ["HIGH", "MODERATE"],
    "consequences": [],      # SO terms; OR-ed with impacts
    "include_clinvar_pathogenic": True,  # keep ClinVar P/LP whatever the frequency and consequence
    "clinvar": [],           # only variants with one of these ClinVar terms
    "pass_only": True,
    "min_gq": None,
    "min_dp": None,
    "min_ab": None,
    "max_ab": None,
    "min_revel": None,
    "min_cadd": None,
    "min_spliceai": None,
    "region": "",
    "genes": [],
    "text": "",
    "inheritance": [],       # any of MODES; empty: no inheritance restriction
    "sort": "score",
    "descending": True,
}


@dataclass
class Candidate:
    row: dict
    modes: list[str]
    partners: list[dict] = field(default_factory=list)
    panel: dict | None = None
    cohort_families: int = 0
    score_parts: dict = field(default_factory=dict)
    score: float = 0.0
    flags: list[str] = field(default_factory=list)


@dataclass
class AnalysisResult:
    case: object
    family: Family | None
    settings: dict
    panel_versions: list
    candidates: list[Candidate]
    truncated: bool
    cohort_size: int
    milliseconds: int
    case_import: object = None
    filter_run: FilterRun | None = None
    contamination: object = None
    reused: bool = False  # the candidates came from the result cache (see run_analysis)


def normalise_settings(raw: dict | None, *, preset: FilterPreset | None = None) -> dict:
    """Defaults, then the preset, then what the caller set; unknown keys and bad values are errors."""
    settings = dict(DEFAULTS)
    if preset is not None:
        settings.update(preset.filters)
    raw = dict(raw or {})
    unknown = set(raw) - set(DEFAULTS)
    if unknown:
        raise ValidationError(f"unknown filter setting(s): {', '.join(sorted(unknown))}")
    settings.update(raw)
    for key in ("max_popmax", "max_af", "min_ab", "max_ab", "min_revel", "min_cadd", "min_spliceai"):
        settings[key] = _number(settings[key], key)
    for key in ("max_cohort_families", "min_gq", "min_dp"):
        value = _number(settings[key], key)
        settings[key] = None if value is None else int(value)
    for key in ("panels", "impacts", "consequences", "clinvar", "genes", "inheritance"):
        value = settings[key]
        if isinstance(value, str):
            value = [part.strip() for part in re.split(r"[,\s]+", value) if part.strip()]
        settings[key] = list(value or [])
    settings["impacts"] = [i.upper() for i in settings["impacts"]]
    bad = [i for i in settings["impacts"] if i not in IMPACTS]
    if bad:
        raise ValidationError(f"impact {bad[0]!r} is not one of {', '.join(IMPACTS)}")
    bad = [c for c in settings["consequences"] if c not in CONSEQUENCE_IMPACT]
    if bad:
        raise ValidationError(f"consequence {bad[0]!r} is not a Sequence Ontology term VEP uses")
    bad = [m for m in settings["inheritance"] if m not in MODES]
    if bad:
        raise ValidationError(f"inheritance {bad[0]!r} is not one of {', '.join(MODES)}")
    if settings["panel_confidence"] not in CONFIDENCE_SETS:
        raise ValidationError(f"panel_confidence is one of {', '.join(CONFIDENCE_SETS)}")
    if settings["sort"] not in SORTS:
        raise ValidationError(f"sort is one of {', '.join(SORTS)}")
    for key in ("genome_wide", "include_clinvar_pathogenic", "pass_only", "descending"):
        settings[key] = _boolean(settings[key], key)
    settings["region"] = (settings["region"] or "").strip()
    if settings["region"] and not REGION.match(settings["region"]):
        raise ValidationError(f"region {settings['region']!r} is not chrom:start-end, e.g. 1:1000-2000")
    settings["text"] = (settings["text"] or "").strip()[:100]
    return settings


def _number(value, key):
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{key}: {value!r} is not a number") from None


def _boolean(value, key):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValidationError(f"{key}: {value!r} is not true or false")


def resolve_panel_versions(case, settings: dict) -> list:
    """The panel versions an analysis uses: the named ones ("code" = current published, "code:1.2" = that
    version), else the patient group's default panels' current versions."""
    from panels.models import Panel
    from panels.selectors import default_panel_versions, panel_version_get

    if not settings["panels"]:
        return default_panel_versions(case.patient_group)
    versions = []
    for name in settings["panels"]:
        code, _, label = name.partition(":")
        panel = Panel.objects.filter(code=code).first() or Panel.objects.filter(name=code).first()
        if panel is None:
            raise ValidationError(f"no panel {code!r}")
        try:
            version = panel_version_get(panel, label or None)
        except Exception as exc:  # Http404 from the selector
            raise ValidationError(str(exc)) from None
        if version.status not in ("published", "retired"):
            raise ValidationError(f"{panel.code} v{version.label} is {version.status}: analyses use published versions")
        versions.append(version)
    return versions


_PANEL_GENES: dict[tuple[int, ...], dict[str, dict]] = {}


def _panel_genes(versions) -> dict[str, dict]:
    """Upper-case symbol -> the strongest entry across the chosen versions. Analyses use published or retired
    versions only, whose entries never change, so each process keeps the gene sets it has built."""
    from panels.selectors import gene_set

    key = tuple(sorted(v.pk for v in versions))
    frozen = all(v.status in ("published", "retired") for v in versions)
    if frozen and key in _PANEL_GENES:
        return _PANEL_GENES[key]
    genes = {}
    for symbol, entries in gene_set(versions, confidences=CONFIDENCE_SETS["all"]).items():
        best = min(entries, key=lambda e: CONFIDENCE_RANK[e["confidence"]])
        genes[symbol] = best
    if frozen:
        if len(_PANEL_GENES) >= 256:
            _PANEL_GENES.clear()
        _PANEL_GENES[key] = genes
    return genes


def _padding_regions(panel_genes: dict, build: str, confidences) -> list[tuple[int, int, str]]:
    """xpos ranges of panel genes with padding, for variants near but outside a gene's annotated span."""
    padded = [e for e in panel_genes.values() if e["padding"] and e["confidence"] in confidences]
    if not padded:
        return []
    from genomes.variant_identity import contig_index
    from panels.genes import configured_gene_resolver

    resolver = configured_gene_resolver()
    regions = []
    for entry in padded:
        location = resolver.resolve(entry["symbol"], hgnc_id=entry.get("hgnc_id", "")).locations.get(build)
        if location is not None:
            base = contig_index(location.chrom) * 1_000_000_000
            regions.append((base + max(1, location.start - entry["padding"]), base + location.end + entry["padding"],
                            entry["symbol"]))
    return regions


ROW_COLUMNS = ("id", "variant_id", "chrom", "pos", "ref", "alt", "xpos", "variant_type", "filter", "quality", "rsid",
               "genes", "gene_ids", "consequences", "worst_consequence", "impact", "gnomad_af", "gnomad_popmax",
               "clinvar", "cadd_phred", "revel", "spliceai", "genotypes", "genotype_quality", "depth", "ref_reads",
               "alt_reads", "allele_fraction")


def _where(case_import, family: Family | None, settings: dict, panel_symbols: list[str],
           padding_regions: list) -> tuple[list[str], list]:
    where, params = ["case_id = %s", "case_import_id = %s"], [case_import.case_id, case_import.pk]
    keep_pathogenic = settings["include_clinvar_pathogenic"]
    relaxable = []  # filters a ClinVar (likely) pathogenic assertion overrides
    if settings["max_popmax"] is not None:
        relaxable.append("(gnomad_popmax IS NULL OR gnomad_popmax <= %s)")
        params.append(settings["max_popmax"])
    if settings["max_af"] is not None:
        relaxable.append("(gnomad_af IS NULL OR gnomad_af <= %s)")
        params.append(settings["max_af"])
    if settings["impacts"] or settings["consequences"]:
        parts = []
        if settings["impacts"]:
            parts.append("impact = ANY(%s)")
            params.append(settings["impacts"])
        if settings["consequences"]:
            parts.append("consequences && %s::text[]")
            params.append(settings["consequences"])
        relaxable.append("(" + " OR ".join(parts) + ")")
    if relaxable:
        clause = " AND ".join(relaxable)
        if keep_pathogenic:
            clause = f"(({clause}) OR clinvar && ARRAY['pathogenic', 'likely_pathogenic']::text[])"
        where.append(clause)
    if settings["clinvar"]:
        where.append("clinvar && %s::text[]")
        params.append(settings["clinvar"])
    if settings["pass_only"]:
        where.append("filter = 'PASS'")
    if family is not None:
        index = family.proband + 1
        where.append(f"genotypes[{index}] IN (1, 2, 3)")  # the proband carries it
        for key, column, operator in (("min_gq", "genotype_quality", ">="), ("min_dp", "depth", ">="),
                                      ("min_ab", "allele_fraction", ">="), ("max_ab", "allele_fraction", "<=")):
            if settings[key] is not None:
                where.append(f"{column}[{index}] {operator} %s")
                params.append(settings[key])
        if settings["inheritance"]:
            where.append(sql_prefilter(settings["inheritance"], family))
    for key, column in (("min_revel", "revel"), ("min_cadd", "cadd_phred"), ("min_spliceai", "spliceai")):
        if settings[key] is not None:
            where.append(f"{column} >= %s")
            params.append(settings[key])
    if settings["region"]:
        from genomes.variant_identity import contig_index

        chrom, start, end = REGION.match(settings["region"]).groups()
        base = contig_index(chrom.upper() if chrom.upper() != "M" else "MT") * 1_000_000_000
        where.append("xpos BETWEEN %s AND %s")
        params += [base + int(start.replace(",", "")), base + int(end.replace(",", ""))]
    if settings["genes"]:
        # HGNC symbols are upper case except the orf genes (C1orf159): match as typed and upper-cased.
        where.append("genes && %s::text[]")
        params.append(sorted({g for g in settings["genes"]} | {g.upper() for g in settings["genes"]}))
    if panel_symbols is not None and not settings["genome_wide"]:
        parts = ["genes && %s::text[]"]
        params.append(panel_symbols)
        for start, end, _symbol in padding_regions:
            parts.append("xpos BETWEEN %s AND %s")
            params += [start, end]
        where.append("(" + " OR ".join(parts) + ")")
    if settings["text"]:
        text = settings["text"]
        where.append("(genes && %s::text[] OR rsid = %s OR transcripts::text ILIKE %s)")
        params += [sorted({text, text.upper()}), text, "%" + text.replace("%", r"\%").replace("_", r"\_") + "%"]
    return where, params


def fetch_rows(sql: str, params: list) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, values)) for values in cursor.fetchall()]


def run_analysis(case, raw_settings: dict | None = None, *, preset: FilterPreset | None = None, user=None,
                 via: str = FilterRun.Via.BROWSER, record: bool = True, reuse: bool = False) -> AnalysisResult:
    """Filter, classify by inheritance, score and sort a case's variants. ``reuse``: take the candidates from the
    result cache when the same filters ran on the same data within RESULT_REUSE_SECONDS (the variant table's
    paging and sorting); the run is recorded either way."""
    started = time.perf_counter()
    case_import = case.imports.filter(is_current=True).first()
    if case_import is None:
        raise ValidationError(f"{case.identifier} has no imported variants yet")
    settings = normalise_settings(raw_settings, preset=preset)
    family = family_of_case(case)
    versions = resolve_panel_versions(case, settings)
    panel_genes = _panel_genes(versions) if versions else {}
    confidences = CONFIDENCE_SETS[settings["panel_confidence"]]
    if versions:
        panel_symbols = sorted(e["symbol"] for e in panel_genes.values() if e["confidence"] in confidences)
        padding = _padding_regions(panel_genes, case_import.genome_build, confidences)
    else:
        panel_symbols, padding = None, []
        settings["genome_wide"] = True  # no panel to narrow by: say so
    cohort = _national_cohort(case_import.genome_build)
    reuse_key = _reuse_key(case_import, settings, versions, cohort) if reuse else None
    reused = _cache_call(cache.get, reuse_key) if reuse_key else None
    if reused is not None:
        candidates, truncated, contamination = reused
    else:
        candidates, truncated, contamination = _filter_and_score(
            case, case_import, family, settings, panel_genes, panel_symbols, padding, confidences)
        if reuse_key and len(candidates) <= RESULT_REUSE_MAX_CANDIDATES:
            _cache_call(cache.set, reuse_key, (candidates, truncated, contamination), RESULT_REUSE_SECONDS)
    _sort(candidates, settings)
    milliseconds = int((time.perf_counter() - started) * 1000)
    result = AnalysisResult(case=case, family=family, settings=settings, panel_versions=versions,
                            candidates=candidates, truncated=truncated, cohort_size=cohort[0],
                            milliseconds=milliseconds, case_import=case_import, contamination=contamination,
                            reused=reused is not None)
    if record:
        result.filter_run = _record_run(case, case_import, user, via, preset, settings, versions, candidates,
                                        milliseconds)
    return result


def _cache_call(method, *args):
    """A cache that is down or missing costs speed, never the page: the analysis runs without it."""
    try:
        if connection.in_atomic_block:
            with transaction.atomic():  # a failed cache query must not break the caller's transaction
                return method(*args)
        return method(*args)
    except Exception:  # noqa: BLE001 - any backend error (Redis down, cache table missing)
        logger.warning("result cache unavailable; analysing without it", exc_info=True)
        return None


def _national_cohort(build: str) -> tuple[int, int | None]:
    """The national cohort of a build as its current imports: how many, and the newest."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), max(id) FROM genomes_caseimport WHERE is_current AND genome_build = %s",
                       [build])
        count, newest = cursor.fetchone()
    return count, newest


def _reuse_key(case_import, settings: dict, versions, cohort: tuple[int, int | None]) -> str:
    """What a run's candidates depend on. The national cohort enters as its current imports (count and newest),
    so a case imported or replaced anywhere gives new cohort counts rather than reused ones."""
    unsorted = {k: v for k, v in settings.items() if k not in ("sort", "descending")}
    identity = json.dumps([RESULT_REUSE_VERSION, case_import.pk, unsorted, sorted(v.pk for v in versions),
                           list(cohort)], sort_keys=True, default=str)
    return "analysis-result:" + hashlib.sha256(identity.encode()).hexdigest()


def _filter_and_score(case, case_import, family, settings, panel_genes, panel_symbols, padding, confidences):
    where, params = _where(case_import, family, settings, panel_symbols, padding)
    sql = (f"SELECT {', '.join(ROW_COLUMNS)} FROM genomes_casevariant WHERE {' AND '.join(where)} "
           f"ORDER BY xpos LIMIT {MAX_ROWS + 1}")
    rows = fetch_rows(sql, params)
    truncated = len(rows) > MAX_ROWS
    rows = rows[:MAX_ROWS]

    candidates = _candidates(rows, family, settings, panel_genes, padding, confidences)
    _add_cohort_counts(candidates)
    if settings["max_cohort_families"] is not None:
        candidates = [c for c in candidates if c.cohort_families <= settings["max_cohort_families"]]
    contamination = None
    if family is not None and family.is_foetal:
        from interpret.contamination import contamination_could_explain, estimate_contamination

        contamination = estimate_contamination(case)
        for candidate in candidates:
            if {"de_novo", "x_de_novo"} & set(candidate.modes) and contamination_could_explain(
                    candidate.row, family, contamination):
                candidate.flags.append("maternal_contamination_could_explain")
    for candidate in candidates:
        candidate.score_parts = score_parts(candidate.row, panel_confidence=(candidate.panel or {}).get("confidence"),
                                            modes=candidate.modes)
        candidate.score = score_total(candidate.score_parts)
    return candidates, truncated, contamination


def _record_run(case, case_import, user, via, preset, settings, versions, candidates, milliseconds) -> FilterRun:
    """Paging and re-sorting the same filters is not a new run: the user's latest identical run is reused."""
    unsorted = {k: v for k, v in settings.items() if k not in ("sort", "descending")}
    last = FilterRun.objects.filter(case=case, user=user, case_import=case_import).order_by("-created_at").first()
    if last is not None and {k: v for k, v in last.filters.items() if k not in ("sort", "descending")} == unsorted \
            and sorted(last.panel_versions.values_list("pk", flat=True)) == sorted(v.pk for v in versions) \
            and last.via == via:
        return last
    with transaction.atomic():
        run = FilterRun.objects.create(case=case, case_import=case_import, user=user, via=via, preset=preset,
                                       filters=settings, result_count=len(candidates), milliseconds=milliseconds)
        run.panel_versions.set(versions)
    return run


def _candidates(rows, family, settings, panel_genes, padding, confidences) -> list[Candidate]:
    wanted = set(settings["inheritance"])
    by_id = {row["id"]: row for row in rows}
    pairs = compound_het_pairs(rows, family) if family is not None else {}
    candidates = []
    for row in rows:
        modes = modes_of_row(row, family) if family is not None else []
        partners = []
        for partner_id, kind in pairs.get(row["id"], []):
            partner = by_id[partner_id]
            partners.append({"id": partner_id, "kind": kind, "chrom": partner["chrom"], "pos": partner["pos"],
                             "ref": partner["ref"], "alt": partner["alt"], "variant_id": partner["variant_id"]})
            if kind not in modes:
                modes.append(kind)
        if wanted:
            matched = set(modes) | ({"de_novo"} if "x_de_novo" in modes else set())
            matched |= {"comp_het"} if "possible_comp_het" in modes else set()
            if not matched & wanted:
                continue
        panel = None
        for gene in row["genes"]:
            entry = panel_genes.get(gene.upper())
            if entry is not None and (panel is None or CONFIDENCE_RANK[entry["confidence"]]
                                      < CONFIDENCE_RANK[panel["confidence"]]):
                panel = entry
        if panel is None:
            for start, end, symbol in padding:
                if start <= row["xpos"] <= end:
                    panel = {**panel_genes[symbol.upper()], "padding_only": True}
        if panel is not None and panel["confidence"] not in confidences:
            panel = {**panel, "outside_chosen_confidence": True}
        candidates.append(Candidate(row=row, modes=modes, partners=partners, panel=panel))
    return candidates


def _add_cohort_counts(candidates: list[Candidate]) -> None:
    """National cohort frequency: families (cases with a current import) in which anyone carries the variant,
    counted once per family. Variant ids belong to one build, so the count stays within the case's build."""
    if not candidates:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cv.variant_id, count(DISTINCT cv.case_id) FROM genomes_casevariant cv "
            "JOIN genomes_caseimport ci ON ci.id = cv.case_import_id AND ci.is_current "
            "WHERE cv.variant_id = ANY(%s) AND (1 = ANY(cv.genotypes) OR 2 = ANY(cv.genotypes) "
            "OR 3 = ANY(cv.genotypes)) GROUP BY cv.variant_id",
            [[c.row["variant_id"] for c in candidates]])
        counts = dict(cursor.fetchall())
    for candidate in candidates:
        candidate.cohort_families = counts.get(candidate.row["variant_id"], 0)


def _sort(candidates: list[Candidate], settings: dict) -> None:
    key = settings["sort"]
    missing_last = float("-inf") if settings["descending"] else float("inf")

    def value(c: Candidate):
        row = c.row
        if key == "score":
            return (c.score, -row["xpos"])
        if key == "position":
            return row["xpos"]
        if key == "gene":
            return (row["genes"][0] if row["genes"] else "~", row["xpos"])
        if key == "cohort":
            return c.cohort_families
        column = {"popmax": "gnomad_popmax", "cadd": "cadd_phred", "revel": "revel"}[key]
        return row[column] if row[column] is not None else missing_last

    candidates.sort(key=value, reverse=settings["descending"])


GENOTYPE_TEXT = {-1: "./.", 0: "0/0", 1: "0/1", 2: "1/1", 3: "1/2"}


_FAMILY_UNKNOWN = object()


def case_individuals(case, family=_FAMILY_UNKNOWN) -> list[tuple[int, str, str]]:
    """(position, individual id, relation) in stored order: proband first. Pass the case's family when known."""
    if family is _FAMILY_UNKNOWN:
        family = family_of_case(case)
    rows = []
    for sample in case.samples.select_related("individual").order_by("position"):
        relation = ("proband" if family and sample.position == family.proband else
                    "father" if family and sample.position == family.father else
                    "mother" if family and sample.position == family.mother else sample.role)
        rows.append((sample.position, sample.individual.individual_id, relation))
    return rows


def canonical_transcript(transcripts: list[dict]) -> dict | None:
    """MANE Select first, then Ensembl canonical, then the first listed."""
    for test in (lambda t: t.get("mane_select"), lambda t: t.get("canonical"), lambda t: True):
        for transcript in transcripts or []:
            if test(transcript):
                return transcript
    return None


def genotypes_of(row: dict, individuals: list[tuple[int, str, str]]) -> list[dict]:
    return [{"individual": individual_id, "relation": relation,
             "gt": GENOTYPE_TEXT.get(row["genotypes"][position], "./."), "depth": row["depth"][position],
             "gq": row["genotype_quality"][position], "ref_reads": row["ref_reads"][position],
             "alt_reads": row["alt_reads"][position], "allele_balance": row["allele_fraction"][position]}
            for position, individual_id, relation in individuals]


def candidates_as_dicts(result: AnalysisResult, candidates: list[Candidate]) -> list[dict]:
    """Output objects for some of a result's candidates (a page, or all), with their canonical transcript."""
    individuals = case_individuals(result.case, result.family)
    transcripts = transcripts_of(result.case_import.pk, result.case.pk, [c.row["id"] for c in candidates])
    return [candidate_as_dict(c, individuals, transcripts=transcripts.get(c.row["id"])) for c in candidates]


def candidate_as_dict(candidate: Candidate, individuals: list[tuple[int, str, str]], *,
                      transcripts: list[dict] | None = None) -> dict:
    """The stable shape of a candidate for the API and analyse_case --json."""
    row = candidate.row
    genotypes = {g["individual"]: {k: v for k, v in g.items() if k != "individual"}
                 for g in genotypes_of(row, individuals)}
    panel = candidate.panel
    result = {
        "variant_id": row["variant_id"], "chrom": row["chrom"], "pos": row["pos"], "ref": row["ref"],
        "alt": row["alt"], "gene": row["genes"][0] if row["genes"] else None, "genes": row["genes"],
        "consequence": row["worst_consequence"], "impact": row["impact"], "filter": row["filter"],
        "rsid": row["rsid"] or None, "gnomad_af": row["gnomad_af"], "gnomad_popmax": row["gnomad_popmax"],
        "cohort_families": candidate.cohort_families, "clinvar": row["clinvar"], "cadd_phred": row["cadd_phred"],
        "revel": row["revel"], "spliceai": row["spliceai"], "genotypes": genotypes,
        "inheritance": candidate.modes,
        "compound_het_partners": [{k: p[k] for k in ("chrom", "pos", "ref", "alt", "kind", "variant_id")}
                                  for p in candidate.partners],
        "panel": None if panel is None else {"panel": panel["panel"], "version": panel["version"],
                                             "confidence": panel["confidence"],
                                             "padding_only": bool(panel.get("padding_only"))},
        "outside_panel": panel is None,
        "score": candidate.score, "score_parts": candidate.score_parts, "flags": candidate.flags,
    }
    canonical = canonical_transcript(transcripts or [])
    result["transcript"] = canonical.get("transcript") if canonical else None
    result["hgvsc"] = canonical.get("hgvsc") if canonical else None
    result["hgvsp"] = canonical.get("hgvsp") if canonical else None
    return result


def transcripts_of(case_import_id: int, case_id: int, row_ids: list[int]) -> dict[int, list]:
    """Transcript annotations for a page of rows (kept out of the filter query: they are most of a row's bytes)."""
    if not row_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, transcripts FROM genomes_casevariant WHERE case_id = %s AND case_import_id = %s "
                       "AND id = ANY(%s)", [case_id, case_import_id, row_ids])
        return {row_id: (value if isinstance(value, list) else json.loads(value or "[]"))
                for row_id, value in cursor.fetchall()}


def filter_run_settings(run: FilterRun) -> dict:
    """A recorded run's settings with its exact panel versions, to repeat it later."""
    settings = dict(run.filters)
    versions = list(run.panel_versions.select_related("panel"))
    if versions:
        settings["panels"] = [f"{v.panel.code}:{v.label}" for v in versions]
    return settings
