"""Expert-panel (ClinGen VCEP) specifications as data: loadable, versioned, recorded on every classification.

A specification says, for the genes it covers: which combining system the panel uses and how it
combines beyond the published tables, which criteria are not applicable, the strongest strength a
criterion may take, and frequency thresholds for BA1/BS1/PM2 (overall or per gene). Specifications
live in JSON files (``specifications/*.json`` here, plus any directory in settings
ACMG_SPECIFICATION_DIRS); each has a name and a version, and a new version is a new entry, never an
edit, so a stored classification can always be re-evaluated under the rules it was made with.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from interpret.acmg.combine import RuleOptions
from interpret.acmg.criteria import CRITERIA, Evidence, Strength

SHIPPED_DIR = Path(__file__).resolve().parent / "specifications"
FIELDS = {"name", "version", "expert_panel", "guideline", "genes", "system", "options", "not_applicable",
          "max_strength", "frequency", "gene_frequency", "ba1_exceptions", "basis", "aliases"}


class SpecificationError(ValueError):
    pass


@dataclass(frozen=True)
class Frequency:
    """Allele-frequency thresholds (fractions, popmax): BA1 above, BS1 above, PM2_Supporting at or below."""

    ba1: float = 0.05
    bs1: float | None = None
    pm2: float | None = None


@dataclass(frozen=True)
class Specification:
    name: str
    version: str
    expert_panel: str = ""
    guideline: str = ""
    genes: tuple[str, ...] = ()
    system: str = "points"
    options: RuleOptions = RuleOptions()
    not_applicable: frozenset[str] = frozenset()
    max_strength: dict = field(default_factory=dict)
    frequency: Frequency | None = None        # None: the national thresholds apply
    gene_frequency: dict = field(default_factory=dict)
    ba1_exceptions: tuple[str, ...] = ()
    basis: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"

    def frequency_for(self, gene: str | None) -> Frequency | None:
        return self.gene_frequency.get(gene, self.frequency) if gene else self.frequency

    def apply(self, evidence: list[Evidence]) -> tuple[list[Evidence], list[str]]:
        """Drop criteria the panel declared not applicable and cap strengths, saying what changed."""
        kept, notes = [], []
        for item in evidence:
            if item.criterion in self.not_applicable:
                notes.append(f"{item.code} is not applicable under {self.label}")
                continue
            cap = self.max_strength.get(item.criterion)
            if cap is not None and item.strength.rank > cap.rank:
                notes.append(f"{item.code} is capped at {cap.label} under {self.label}")
                item = Evidence(item.criterion, cap)
            kept.append(item)
        return kept, notes

    def as_dict(self) -> dict:
        return {"name": self.name, "version": self.version, "expert_panel": self.expert_panel,
                "guideline": self.guideline, "genes": list(self.genes), "system": self.system,
                "basis": self.basis}


def _strength(value: str, where: str) -> Strength:
    try:
        return Strength(value.lower().replace(" ", "_"))
    except ValueError:
        raise SpecificationError(f"{where}: unknown strength {value!r}") from None


def _frequency(data: dict, where: str) -> Frequency:
    unknown = set(data) - {"ba1", "bs1", "pm2"}
    if unknown:
        raise SpecificationError(f"{where}: unknown frequency keys {sorted(unknown)}")
    for key, value in data.items():
        if value is not None and not (isinstance(value, (int, float)) and 0 <= value <= 1):
            raise SpecificationError(f"{where}.{key}: {value!r} is not an allele frequency between 0 and 1")
    return Frequency(**{"ba1": 0.05, **data})


def specification_from_dict(data: dict, *, source: str = "") -> Specification:
    where = f"{source}: {data.get('name', '?')}"
    unknown = set(data) - FIELDS
    if unknown:
        raise SpecificationError(f"{where}: unknown fields {sorted(unknown)}")
    for key in ("name", "version"):
        if not data.get(key):
            raise SpecificationError(f"{where}: field {key!r} is required")
    if data.get("system", "points") not in ("points", "rules2015"):
        raise SpecificationError(f"{where}: system must be points or rules2015, not {data['system']!r}")
    for code in list(data.get("not_applicable", [])) + list(data.get("max_strength", {})):
        if code not in CRITERIA:
            raise SpecificationError(f"{where}: {code!r} is not an ACMG/AMP criterion")
    try:
        options = RuleOptions(**data.get("options", {}))
    except TypeError as error:
        raise SpecificationError(f"{where}: options: {error}") from None
    if options.stand_alone_benign not in ("decides", "weighed"):
        raise SpecificationError(f"{where}: options.stand_alone_benign must be decides or weighed")
    return Specification(
        name=data["name"], version=str(data["version"]), expert_panel=data.get("expert_panel", ""),
        guideline=data.get("guideline", ""), genes=tuple(data.get("genes", [])),
        system=data.get("system", "points"), options=options,
        not_applicable=frozenset(data.get("not_applicable", [])),
        max_strength={code: _strength(value, f"{where}.max_strength.{code}")
                      for code, value in data.get("max_strength", {}).items()},
        frequency=_frequency(data["frequency"], f"{where}.frequency") if "frequency" in data else None,
        gene_frequency={gene: _frequency(values, f"{where}.gene_frequency.{gene}")
                        for gene, values in data.get("gene_frequency", {}).items()},
        ba1_exceptions=tuple(data.get("ba1_exceptions", [])), basis=data.get("basis", ""),
        aliases=tuple(data.get("aliases", [])))


def load_file(path: Path) -> list[Specification]:
    try:
        data = json.loads(Path(path).read_text())
    except json.JSONDecodeError as error:
        raise SpecificationError(f"{path}: line {error.lineno}: {error.msg}") from None
    items = data if isinstance(data, list) else data.get("specifications", [data])
    return [specification_from_dict(item, source=str(path)) for item in items]


def _directories() -> list[Path]:
    extra = []
    try:
        from django.conf import settings

        if settings.configured:
            extra = [Path(d) for d in getattr(settings, "ACMG_SPECIFICATION_DIRS", [])]
    except ImportError:  # the engine runs without Django too
        pass
    return [SHIPPED_DIR, *extra]


@lru_cache(maxsize=1)
def registry() -> dict[str, list[Specification]]:
    """Every known specification by lower-cased name and alias, versions oldest first."""
    found: dict[str, list[Specification]] = {}
    for directory in _directories():
        for path in sorted(directory.glob("*.json")):
            for spec in load_file(path):
                for key in {spec.name, *spec.aliases}:
                    versions = found.setdefault(key.lower(), [])
                    if any(v.version == spec.version for v in versions):
                        raise SpecificationError(f"{path}: {spec.name} version {spec.version} is defined twice")
                    versions.append(spec)
    for versions in found.values():
        versions.sort(key=lambda s: _version_key(s.version))
    return found


def _version_key(version: str):
    return [int(part) if part.isdecimal() else part for part in version.replace("-", ".").split(".")]


def specification_get(name: str, version: str | None = None) -> Specification:
    """A specification by name or alias (case-insensitive), at a version or the newest."""
    versions = registry().get((name or "").strip().lower())
    if not versions:
        raise SpecificationError(f"unknown expert-panel specification {name!r}")
    if version is None:
        return versions[-1]
    for spec in versions:
        if spec.version == str(version):
            return spec
    raise SpecificationError(f"{name!r} has no version {version!r} (known: "
                             f"{', '.join(s.version for s in versions)})")


def specifications_all() -> list[Specification]:
    seen, result = set(), []
    for versions in registry().values():
        for spec in versions:
            if (spec.name, spec.version) not in seen:
                seen.add((spec.name, spec.version))
                result.append(spec)
    return sorted(result, key=lambda s: (s.name, _version_key(s.version)))


def specification_for_gene(gene: str | None) -> Specification | None:
    """The newest specification that covers a gene, if an expert panel has one."""
    if not gene:
        return None
    for spec in reversed(specifications_all()):
        if gene in spec.genes:
            return spec
    return None

