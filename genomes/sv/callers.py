"""Which structural-variant or copy-number caller wrote a VCF, from its header (and, where the header does not
say, its first records' INFO): Manta, DELLY, GATK-SV, GATK gCNV, CNVkit, DRAGEN SV, DRAGEN CNV, MELT and XHMM.
An unknown caller is read by the VCF 4.x SV conventions (SVTYPE, END, SVLEN, CIPOS/CIEND, MATEID or breakend ALT
notation). The caller decides how a call's genotype is read: copy-number callers genotype from CN."""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Caller:
    name: str           # the platform's name, stored per call ("manta", "gatk-gcnv", ...)
    label: str          # for people ("Manta", "GATK gCNV", ...)
    copy_number: bool   # genotypes come from CN (read sex-aware), not from GT


MANTA = Caller("manta", "Manta", False)
DELLY = Caller("delly", "DELLY", False)
GATK_SV = Caller("gatk-sv", "GATK-SV", False)
GATK_GCNV = Caller("gatk-gcnv", "GATK gCNV", True)
CNVKIT = Caller("cnvkit", "CNVkit", True)
DRAGEN_SV = Caller("dragen-sv", "DRAGEN SV", False)
DRAGEN_CNV = Caller("dragen-cnv", "DRAGEN CNV", True)
MELT = Caller("melt", "MELT", False)
XHMM = Caller("xhmm", "XHMM", True)
UNKNOWN = Caller("vcf-sv", "an unrecognised caller (read by the VCF 4.x SV conventions)", False)

CALLERS = {c.name: c for c in (MANTA, DELLY, GATK_SV, GATK_GCNV, CNVKIT, DRAGEN_SV, DRAGEN_CNV, MELT, XHMM, UNKNOWN)}


def _declares(header: str, kind: str, field: str) -> bool:
    return re.search(rf"^##{kind}=<ID={re.escape(field)},", header, flags=re.MULTILINE) is not None


def callers_of(header: str, first_infos: list[dict] | None = None) -> list[Caller]:
    """Every caller the header names, in the order it names them (a merged CNVkit + Manta file names both); the
    first decides how genotypes are read. ``first_infos``: INFO of the first records, for callers that say who
    they are only there (DELLY's SVMETHOD)."""
    found: list[Caller] = []

    def add(caller: Caller) -> None:
        if caller not in found:
            found.append(caller)

    sources = re.findall(r"^##source=(.*)$", header, flags=re.MULTILINE)
    for source in sources:
        # "CNVkit v0.9.4.dev0, Manta": a merged file lists its callers in one line
        for part in re.split(r"[,;]\s*", source):
            lowered = part.strip().lower()
            if lowered.startswith("dragen"):
                add(DRAGEN_SV)
            elif lowered.startswith(("generatesvcandidates", "manta")):
                add(MANTA)
            elif lowered.startswith("cnvkit"):
                add(CNVKIT)
            elif lowered.startswith(("postprocessgermlinecnvcalls", "jointcnvsegmentation")):
                add(GATK_GCNV)
            elif lowered.startswith("melt"):
                add(MELT)
            elif lowered.startswith("delly"):
                add(DELLY)
    if not found:
        if re.search(r"^##DRAGEN(Version|CommandLine)=", header, flags=re.MULTILINE):
            add(DRAGEN_CNV)  # DRAGEN's CNV caller writes no ##source line, its SV caller does
        elif re.search(r"^##cmdline=.*configManta", header, flags=re.MULTILINE):
            add(MANTA)
        elif re.search(r"^##GATKCommandLine=<ID=(PostprocessGermlineCNVCalls|JointCNVSegmentation)", header,
                       flags=re.MULTILINE):
            add(GATK_GCNV)
        elif all(_declares(header, "INFO", f) for f in ("ALGORITHMS", "EVIDENCE")) and (
                _declares(header, "INFO", "CPX_TYPE") or _declares(header, "INFO", "PREDICTED_LOF")):
            add(GATK_SV)
        elif _declares(header, "INFO", "TPOS") and _declares(header, "FORMAT", "NDQ"):
            add(XHMM)
        elif any(str(info.get("SVMETHOD", "")).upper().startswith("EMBL.DELLY") for info in first_infos or []):
            add(DELLY)
    return found or [UNKNOWN]


def caller_named(name: str) -> Caller:
    """``--caller`` given by the user: the platform's name or its label, any case."""
    wanted = name.strip().lower()
    for caller in CALLERS.values():
        if wanted in (caller.name, caller.label.lower()):
            return caller
    raise ValueError(f"unknown caller {name!r}; one of {', '.join(c.name for c in CALLERS.values())}")
