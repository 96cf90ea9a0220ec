"""PED (pedigree) files as pipelines and tools write them, edge cases included.

Columns: family, individual, father, mother, sex, phenotype; extra columns
(peddy's QC figures, ethnicity) are kept by header name. Header lines start
with '#' (or name the columns without it). Tabs separate fields when present,
so empty parent fields survive; otherwise any whitespace (PLINK style).

Codes (PLINK/GEMINI/peddy conventions):
- parents: '0', '-9', '.', 'None' and empty mean "not in the pedigree";
- sex: 1/male/M, 2/female/F; 0, -1, -9, other, unknown mean unknown;
- phenotype: 2 affected, 1 unaffected; 0, -9, -1 and empty mean unknown.
A parent named but not listed (a parent who was not sequenced) is kept as
absent with a warning; the other structural errors are refused with file,
line and field.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import InputFileError


class Sex(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


class Affection(enum.StrEnum):
    AFFECTED = "affected"
    UNAFFECTED = "unaffected"
    UNKNOWN = "unknown"


_MISSING_PARENT = {"0", "-9", ".", "none", "", "na"}
_SEX = {"1": Sex.MALE, "male": Sex.MALE, "m": Sex.MALE, "2": Sex.FEMALE, "female": Sex.FEMALE, "f": Sex.FEMALE,
        "0": Sex.UNKNOWN, "-1": Sex.UNKNOWN, "-9": Sex.UNKNOWN, "other": Sex.UNKNOWN, "unknown": Sex.UNKNOWN,
        "": Sex.UNKNOWN}
_AFFECTION = {"2": Affection.AFFECTED, "1": Affection.UNAFFECTED, "0": Affection.UNKNOWN,
              "-9": Affection.UNKNOWN, "-1": Affection.UNKNOWN, "": Affection.UNKNOWN}
_HEADER_SECOND_COLUMN = {"individual_id", "individual id", "sample_id", "sample id", "iid", "sample", "id"}
COLUMNS = ("family_id", "individual_id", "father_id", "mother_id", "sex", "phenotype")
_NAMED_HEADER = {"family_id", "individual_id", "paternal_id", "maternal_id", "sex"}
_SEQR_AFFECTED = {"a": "2", "affected": "2", "n": "1", "unaffected": "1", "u": "0", "unknown": "0", "": "0"}


def _seqr_affection(fields: list[str], named: dict[str, int]) -> str:
    column = next((named[key] for key in ("affected", "affected_status", "phenotype") if key in named), None)
    value = fields[column].strip().lower() if column is not None and column < len(fields) else ""
    return _SEQR_AFFECTED.get(value, value)


class PedigreeError(InputFileError):
    """A PED file that cannot be read; the message names file, line and field."""


@dataclass(frozen=True)
class PedigreeIndividual:
    family_id: str
    individual_id: str
    father_id: str | None
    mother_id: str | None
    sex: Sex
    affection: Affection
    line: int
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def is_affected(self) -> bool:
        return self.affection == Affection.AFFECTED


@dataclass
class Pedigree:
    source: str
    individuals: list[PedigreeIndividual]
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self):
        self._by_id = {i.individual_id: i for i in self.individuals}

    def __getitem__(self, individual_id: str) -> PedigreeIndividual:
        return self._by_id[individual_id]

    def __contains__(self, individual_id: str) -> bool:
        return individual_id in self._by_id

    @property
    def ids(self) -> list[str]:
        return [i.individual_id for i in self.individuals]

    def parents_of(self, individual: PedigreeIndividual) -> list[PedigreeIndividual]:
        return [self._by_id[p] for p in (individual.father_id, individual.mother_id) if p]

    def proband(self) -> PedigreeIndividual | None:
        """The affected individual with most parents in the pedigree (file order breaks ties)."""
        affected = [i for i in self.individuals if i.is_affected]
        if not affected:
            return None
        return max(affected, key=lambda i: (len(self.parents_of(i)), -i.line))

    def implied_analysis_type(self) -> str:
        """singleton, duo or trio, from the proband's parents present in the pedigree."""
        proband = self.proband() or (self.individuals[0] if len(self.individuals) == 1 else None)
        if proband is None:
            return "singleton"
        return {0: "singleton", 1: "duo", 2: "trio"}[len(self.parents_of(proband))]

    def tumour_and_normal(self) -> tuple[PedigreeIndividual, PedigreeIndividual | None]:
        """Somatic convention (Scout's cancer_test.ped): the affected sample is the tumour, the unaffected the
        normal."""
        tumours = [i for i in self.individuals if i.affection == Affection.AFFECTED]
        normals = [i for i in self.individuals if i.affection == Affection.UNAFFECTED]
        if len(tumours) != 1 or len(normals) > 1:
            raise PedigreeError(self.source, None, "phenotype",
                                f"a somatic case needs one affected (tumour) and at most one unaffected (normal) "
                                f"sample; found {len(tumours)} affected and {len(normals)} unaffected")
        return tumours[0], (normals[0] if normals else None)


def _fields(line: str) -> list[str]:
    return [f.strip() for f in line.split("\t")] if "\t" in line else line.split()


# A case's pedigree is small (CASE_MAX_INDIVIDUALS people, 50 by default): a PED file is read no further than a
# generous byte bound, and parsing stops at the first individual past the case limit, so a 41 MB file costs
# neither 30 s nor a worker's memory.
PED_MAX_BYTES = 1024 * 1024


def _max_individuals() -> int:
    from django.conf import settings

    return settings.CASE_MAX_INDIVIDUALS


def parse_ped(text: str, *, source: str = "pedigree", max_individuals: int | None = None) -> Pedigree:
    limit = _max_individuals() if max_individuals is None else max_individuals
    individuals: list[PedigreeIndividual] = []
    header: list[str] | None = None
    named: dict[str, int] = {}
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        if line.startswith("#"):
            if header is None and not individuals:
                header = [h.strip().lower() for h in _fields(line.lstrip("#"))]
            continue
        fields = _fields(line)
        if not individuals and header is None and len(fields) > 1 and fields[1].lower() in _HEADER_SECOND_COLUMN:
            header = [h.lower() for h in fields]
            continue
        if not individuals and header is None and _NAMED_HEADER <= {f.lower() for f in fields}:
            # seqr's pedigree TSV (Project_GUID, Family_GUID, Family_ID, Individual_ID, Paternal_ID, Maternal_ID,
            # Sex[, Affected]): the columns are found by name; without an affection column it is unknown
            header = [h.lower() for h in fields]
            named = {name: header.index(name) for name in header}
            continue
        if named:
            fields = [fields[named[key]] if named.get(key) is not None and named[key] < len(fields) else ""
                      for key in ("family_id", "individual_id", "paternal_id", "maternal_id", "sex")] + [
                _seqr_affection(fields, named)] + [f for i, f in enumerate(fields) if i not in named.values()]
        if len(fields) < 6:
            raise PedigreeError(
                source, number, None, f"expected at least 6 columns ({', '.join(COLUMNS)}), found {len(fields)}"
            )
        if len(individuals) >= limit:
            raise PedigreeError(source, number, "individuals", f"more than {limit} individuals; a case holds at "
                                f"most {limit} (CASE_MAX_INDIVIDUALS)")
        family, individual, father, mother, sex, phenotype = fields[:6]
        if not individual:
            raise PedigreeError(source, number, "individual_id", "empty")
        if individual in seen:
            raise PedigreeError(source, number, "individual_id",
                                f"{individual!r} is listed twice (first on line {seen[individual]})")
        seen[individual] = number
        if sex.lower() not in _SEX:
            raise PedigreeError(source, number, "sex", f"{sex!r} is not a sex code (1 male, 2 female, 0 unknown)")
        if phenotype.lower() not in _AFFECTION:
            raise PedigreeError(source, number, "phenotype",
                                f"{phenotype!r} is not an affection status (2 affected, 1 unaffected, 0 unknown)")
        extra_names = (header[6:] if header and len(header) >= len(fields) else
                       [f"column_{i + 1}" for i in range(6, len(fields))])
        individuals.append(PedigreeIndividual(
            family_id=family, individual_id=individual,
            father_id=None if father.lower() in _MISSING_PARENT else father,
            mother_id=None if mother.lower() in _MISSING_PARENT else mother,
            sex=_SEX[sex.lower()], affection=_AFFECTION[phenotype.lower()], line=number,
            extra=dict(zip(extra_names, fields[6:])),
        ))
    if not individuals:
        raise PedigreeError(source, None, None, "no individuals found")
    return _checked(source, individuals)


def _checked(source: str, individuals: list[PedigreeIndividual]) -> Pedigree:
    by_id = {i.individual_id: i for i in individuals}
    warnings: list[str] = []
    resolved = []
    for person in individuals:
        links = {}
        for role, parent_id, expected_sex in (("father_id", person.father_id, Sex.FEMALE),
                                              ("mother_id", person.mother_id, Sex.MALE)):
            if parent_id is None:
                continue
            if parent_id == person.individual_id:
                raise PedigreeError(source, person.line, role, f"{parent_id!r} is given as their own parent")
            parent = by_id.get(parent_id)
            if parent is None:
                warnings.append(f"{source}, line {person.line}: {role[:-3]} {parent_id!r} of {person.individual_id!r} "
                                "is not in the pedigree; treated as absent")
                links[role] = None
                continue
            if parent.sex == expected_sex:
                raise PedigreeError(source, person.line, role,
                                    f"{parent_id!r} is {parent.sex} (line {parent.line}) but is named as {role[:-3]}")
            if parent.family_id != person.family_id:
                raise PedigreeError(source, person.line, role,
                                    f"{parent_id!r} belongs to family {parent.family_id!r}, not {person.family_id!r}")
        if links:
            person = PedigreeIndividual(**{**person.__dict__, **links})
        resolved.append(person)
    return Pedigree(source=source, individuals=resolved, warnings=warnings)


def read_ped(path: Path | str) -> Pedigree:
    path = Path(path)
    with path.open("rb") as handle:
        raw = handle.read(PED_MAX_BYTES + 1)
    if len(raw) > PED_MAX_BYTES:
        raise PedigreeError(str(path), None, None, f"larger than {PED_MAX_BYTES // 1024:,} KiB: not the pedigree of "
                            f"one case (at most {_max_individuals()} individuals)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PedigreeError(str(path), None, None, f"not a text file ({exc.reason} at byte {exc.start})") from None
    return parse_ped(text, source=str(path))
