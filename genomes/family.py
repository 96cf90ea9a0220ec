"""A case's family as the analysis rules see it: the genotype-array positions of the proband and the parents,
with the sexes, affection and foetal status the rules need."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Relative:
    """A sequenced relative of the proband other than the parents (the parents are Family.father and .mother):
    what segregation needs of them."""

    position: int
    individual: str
    relation: str  # sibling, half-sibling, grandparent, child, relative
    affected: bool | None  # None: affection unknown (not used either way)
    male: bool | None


@dataclass(frozen=True)
class Family:
    """Sample positions (0-based, as stored) of the proband and the parents, with the facts the rules need."""

    proband: int
    proband_male: bool
    proband_affected: bool
    father: int | None = None
    mother: int | None = None
    father_affected: bool = False
    mother_affected: bool = False
    is_foetal: bool = False
    # Both parents confirmed by sample identity QC (genomes.sample_identity); None: not evaluated (an import
    # made before the check, or no parents sequenced).
    parentage_confirmed: bool | None = None
    # The blocking sample identity flags of the case (non-paternity, sample-swap, ...)
    identity_flags: tuple[str, ...] = ()
    build: str = ""  # the case's genome build: where the pseudoautosomal regions are
    relatives: tuple[Relative, ...] = ()  # every other sequenced person of the pedigree (interpret.rules.segregation)
    # the sequenced parents as Relatives, with their affection as the pedigree states it (None: unknown), for
    # the rules that judge every person alike (repeat expansions, mitochondrial alleles)
    parent_people: tuple[Relative, ...] = ()

    @property
    def everyone_else(self) -> tuple[Relative, ...]:
        """Every sequenced person besides the proband: parents first."""
        return self.parent_people + self.relatives

    @property
    def parents(self) -> int:
        return (self.father is not None) + (self.mother is not None)
