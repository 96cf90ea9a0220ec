"""Which INFO fields carry population frequency, ClinVar and predictor scores, per pipeline.

Pipelines name these fields differently (GNOMADAF, gnomAD_AF, CLINVAR_CLNSIG,
CLNSIG...). The mapping is configuration: these defaults, overridable with a
JSON file named by VARIANT_FIELD_MAP_FILE ({"gnomad_af": ["MY_AF"], ...}).
INFO/AF is deliberately absent: in a joint-called VCF it is the cohort's
allele frequency, not a population frequency.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_INFO_FIELDS: dict[str, tuple[str, ...]] = {
    # The whole database's allele frequency: the first of these the header declares (gnomAD first).
    "gnomad_af": ("gnomAD_AF", "GNOMADAF", "GNOMAD_AF", "gnomad_af", "gnomADg_AF", "gnomADe_AF", "AF_gnomad",
                  "GNOMAD:AF", "EXACAF", "1000GAF"),
    # The highest frequency of any population: every one of these the header declares is read, and a record's
    # popmax is the highest of those it carries (a variant common in any population is common). gnomAD's popmax
    # as pipelines name it (Scout/MIP and nf-core/raredisease: GNOMADAF_popmax; CGAP: MAX_POP_AF), then other
    # databases' maximum over their populations (ExAC, 1000 Genomes) and single populations' frequencies (SweGen,
    # SweRef: a population's frequency is that population's maximum).
    "gnomad_popmax": ("gnomAD_AF_popmax", "GNOMADAF_popmax", "GNOMADAF_POPMAX", "GNOMADAF_MAX", "gnomad_popmax",
                      "gnomad_popmax_af", "AF_popmax", "gnomAD_popmax", "gnomADg_AF_popmax", "gnomADg_AF_POPMAX",
                      "popmax_af", "MAX_POP_AF:AF_popmax", "GNOMAD:AF_popmax", "EXACMAX_AF", "EXAC_MAX_AF",
                      "ExAC_MAX_AF", "EXACMAXAF", "1000G_MAX_AF", "SWEREFAF", "SWEGENAF", "swegenAF"),
    "clinvar": ("CLNSIG", "CLINVAR_CLNSIG", "clinvar_sig", "CLIN_SIG", "CLINVAR:CLNSIG"),
    "clinvar_review": ("CLNREVSTAT", "CLINVAR_CLNREVSTAT", "clinvar_review", "CLINVAR:CLNREVSTAT"),
    "cadd_phred": ("CADD_PHRED", "CADD", "cadd_phred", "CADD_phred", "CADD:PHRED"),
    "revel": ("REVEL", "REVEL_score", "revel"),
    "spliceai": ("SpliceAI", "spliceai", "SPLICEAI"),
    # The consequence annotation: VEP's CSQ (or the name given with --vcf_info_field), SnpEff's ANN, CGAP's VEP.
    # Besides these, any INFO field whose description lays out [Allele|]...|Consequence is one (genomes.vcf.header).
    "consequence": ("CSQ", "ANN", "VEP"),
}
# Structural calls' population frequency (genomes.sv.importing), the first of these a record carries: gnomAD-SV
# through GATK-SV's annotation and other pipelines, Scout/MIP's 1000G-SV and SweGen fields, a local SV database.
# In the same site file as the small-variant fields ({"sv_population_af": ["MY_SV_AF"]}).
SV_INFO_FIELDS: dict[str, tuple[str, ...]] = {
    "sv_population_af": ("gnomAD_V2_AF", "gnomad_svAF", "GNOMAD_SV_AF", "gnomAD_SV_AF", "1000GAF", "swegen_sv_AF",
                         "clinical_genomics_mipAF"),
}
# Fields read from every source the header declares (the highest value wins); the others from the first.
MULTI_SOURCE_FIELDS = frozenset({"gnomad_popmax"})
# What each source of evidence is called on pages and in the import summary.
EVIDENCE_LABELS = {
    "consequence": "consequences", "gnomad_af": "population AF", "gnomad_popmax": "popmax",
    "clinvar": "ClinVar", "clinvar_review": "ClinVar review status", "cadd_phred": "CADD", "revel": "REVEL",
    "spliceai": "SpliceAI", "sift": "SIFT", "polyphen": "PolyPhen",
}
# Evidence a clinician reasons with, by what it lets the platform do; a group is carried when any of its
# fields is.
EVIDENCE_GROUPS = {
    "population frequency": ("gnomad_af", "gnomad_popmax"),
    "ClinVar": ("clinvar",),
    "ClinVar review status": ("clinvar_review",),
    "missense predictors (REVEL, CADD)": ("revel", "cadd_phred"),
    "splicing predictor (SpliceAI)": ("spliceai",),
    "consequences": ("consequence",),
}
_SPLICEAI_DELTAS = ("DS_AG", "DS_AL", "DS_DG", "DS_DL")
# Format: 'A|B|C' or Format:'NAME': the sub-field layout a structured INFO field's description declares.
_LAYOUT = re.compile(r"[Ff]ormat\s*:\s*'?\s*([A-Za-z0-9_.+\-/ ]+(?:\|[A-Za-z0-9_.+\-/ ]+)*)")
_PIPE_RUN = re.compile(r"[A-Za-z0-9_.+\-/ ]+(?:\|[A-Za-z0-9_.+\-/ ]+)+")


@dataclass(frozen=True)
class InfoSource:
    """Where one of our fields is read: an INFO key, or one sub-field of a structured ('|'-separated) INFO value."""

    key: str
    sub_index: int | None = None
    sub_name: str = ""
    # SpliceAI laid out otherwise than ALLELE|SYMBOL|DS_AG|DS_AL|DS_DG|DS_DL|...: where its delta scores are
    delta_indexes: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        return f"INFO/{self.key}" + (f":{self.sub_name}" if self.sub_name else "")


def info_layout(description: str) -> tuple[str, ...]:
    """The sub-field names a structured INFO field's header description declares ('Format: A|B|C',
    "Format:'AF_popmax'", or any '|'-separated run), else ()."""
    match = _LAYOUT.search(description or "")
    if match:
        return tuple(name.strip() for name in match.group(1).split("|"))
    runs = _PIPE_RUN.findall(description or "")
    return tuple(name.strip().strip("'\"") for name in max(runs, key=len).split("|")) if runs else ()


def load_field_map(path: str | None) -> dict[str, tuple[str, ...]]:
    """The defaults, with a site's JSON file ({"gnomad_popmax": ["MAX_POP_AF:AF_popmax"], ...}) in front: a
    name ``KEY:SUB`` is the sub-field SUB of the structured INFO field KEY."""
    if not path:
        return {**DEFAULT_INFO_FIELDS, **SV_INFO_FIELDS}
    overrides = json.loads(Path(path).read_text())
    known = {**DEFAULT_INFO_FIELDS, **SV_INFO_FIELDS}
    unknown = set(overrides) - set(known)
    if unknown:
        raise ValueError(f"{path}: unknown variant field(s) {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(known)}")
    merged = dict(known)
    merged.update({k: tuple(v) for k, v in overrides.items()})
    return merged


def resolve_info_sources(info_fields: dict[str, tuple[str, ...]], info_ids: set[str],
                         descriptions: dict[str, str] | None = None) -> dict[str, tuple[InfoSource, ...]]:
    """Our field name -> where the file's header says it is: the first of its candidates the header declares,
    or every one for a field of MULTI_SOURCE_FIELDS (empty: the file lacks it)."""
    descriptions = descriptions or {}
    resolved: dict[str, tuple[InfoSource, ...]] = {}
    for ours, candidates in info_fields.items():
        if ours == "consequence" or ours in SV_INFO_FIELDS:
            continue  # genomes.vcf.header finds the consequence annotation; SV fields are genomes.sv's
        found: list[InfoSource] = []
        for candidate in candidates:
            source = _info_source(ours, candidate, info_ids, descriptions)
            if source is not None and source not in found:
                found.append(source)
                if ours not in MULTI_SOURCE_FIELDS:
                    break
        resolved[ours] = tuple(found)
    return resolved


def _info_source(ours: str, candidate: str, info_ids: set[str], descriptions: dict[str, str]) -> InfoSource | None:
    key, _, sub = candidate.partition(":")
    if key not in info_ids:
        return None
    layout = info_layout(descriptions.get(key, ""))
    if sub:
        return InfoSource(key, layout.index(sub), sub) if sub in layout else None
    if ours == "spliceai" and layout and "MAXDS" in layout:
        return InfoSource(key, layout.index("MAXDS"), "MAXDS")
    if ours == "spliceai" and layout and set(_SPLICEAI_DELTAS) <= set(layout):
        return InfoSource(key, delta_indexes=tuple(layout.index(d) for d in _SPLICEAI_DELTAS))
    return InfoSource(key)


def evidence_sources(sources: dict[str, tuple[InfoSource, ...]], annotation) -> dict[str, str | None]:
    """Each evidence field -> where this file's header says it is ("INFO/gnomAD_AF", "INFO/CSQ:MAX_AF", several
    joined by ", " for popmax), None where it is not: what the pages call "not annotated" (never "absent").
    The import then drops a field that no record carries a value of (``declared_but_empty``)."""
    def from_annotation(ours: str) -> str | None:
        if annotation is None or not annotation.has(ours):
            return None
        return f"INFO/{annotation.info_key}:{annotation.fields[annotation.index[ours]]}"

    def first(*choices):
        return next((c for c in choices if c), None)

    def labels(ours) -> str | None:
        return ", ".join(source.label for source in sources.get(ours, ())) or None

    spliceai_csq = from_annotation("spliceai_max") or (
        f"INFO/{annotation.info_key}:SpliceAI_pred_DS_*" if annotation and annotation.has("SpliceAI_pred_DS_AG")
        else None)
    popmax = [labels("gnomad_popmax"), from_annotation("max_af")]
    if annotation is not None and annotation.population_indexes:
        popmax.append(f"INFO/{annotation.info_key}:" + "|".join(annotation.fields[i]
                                                                  for i in annotation.population_indexes))
    return {
        "consequence": f"INFO/{annotation.info_key}" if annotation else None,
        "gnomad_af": first(labels("gnomad_af"), from_annotation("gnomad_af")),
        "gnomad_popmax": ", ".join(p for p in popmax if p) or None,
        "clinvar": first(labels("clinvar"), from_annotation("clin_sig")),
        "clinvar_review": first(labels("clinvar_review"), from_annotation("clinvar_review")),
        "cadd_phred": first(labels("cadd_phred"), from_annotation("cadd_phred")),
        "revel": first(labels("revel"), from_annotation("revel")),
        "spliceai": first(labels("spliceai"), spliceai_csq),
        "sift": from_annotation("sift"),
        "polyphen": from_annotation("polyphen"),
    }


def declared_but_empty(evidence: dict[str, str | None], values: dict[str, int], *,
                       dropped_as_common: int) -> dict[str, str]:
    """The evidence fields the header declares but no stored record carries a value of (``values``: stored
    records with a value, per field), with their sources: these are "not annotated" for the file. A frequency
    field is carried whenever records were dropped for being common: the drop read a frequency."""
    empty = {}
    for ours, source in evidence.items():
        if not source or ours not in values or values[ours]:
            continue
        if ours in ("gnomad_af", "gnomad_popmax") and dropped_as_common:
            continue
        empty[ours] = source
    return empty


# The population databases a frequency source names, by the words pipelines use in their field names.
_DATABASES = (("gnomad", "gnomAD"), ("max_pop_af", "gnomAD"), ("af_popmax", "gnomAD"), ("exac", "ExAC"),
              ("1000g", "1000 Genomes"), ("swegen", "SweGen"), ("sweref", "SweRef"), ("topmed", "TOPMed"),
              ("max_af", "VEP's MAX_AF"))


def frequency_databases(sources: str | None) -> str:
    """The databases behind one or more frequency sources, as a clinician names them ("gnomAD and ExAC")."""
    names = []
    for source in (sources or "").split(", "):
        lowered = source.lower()
        name = next((label for word, label in _DATABASES if word in lowered), "the file's population data")
        if name not in names:
            names.append(name)
    if len(names) > 1:
        return ", ".join(names[:-1]) + " and " + names[-1]
    return names[0] if names else "population data"


def missing_evidence(sources: dict[str, str | None]) -> list[str]:
    """The evidence groups a file carries none of."""
    return [group for group, fields in EVIDENCE_GROUPS.items() if not any(sources.get(f) for f in fields)]


def spliceai_max(value, delta_indexes: tuple[int, ...] = (2, 3, 4, 5)) -> float | None:
    """Maximum delta score of an INFO/SpliceAI value 'ALLELE|SYMBOL|DS_AG|DS_AL|DS_DG|DS_DL|DP_..' (or the
    positions the header's layout gives)."""
    if value is None:
        return None
    best = None
    for entry in str(value).split(","):
        parts = entry.split("|")
        for index in delta_indexes:
            if index >= len(parts):
                continue
            try:
                score = float(parts[index])
            except ValueError:
                continue
            best = score if best is None else max(best, score)
    return best


def carries(evidence: dict | None, *fields: str) -> bool | None:
    """The file carries any of ``fields``; None when the import did not record it."""
    if evidence is None:
        return None
    return any(evidence.get(f) for f in fields)
