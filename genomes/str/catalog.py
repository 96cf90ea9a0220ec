"""Repeat catalogs in stranger's JSON format (a list of loci: LocusId, LocusStructure or Motifs, NormalMax,
PathologicMin, Disease, InheritanceMode, HGNCId, ReferenceRegion), loaded per build, all or nothing, every bad
entry named by file, entry and field. Calls are keyed by the locus id (INFO REPID or TRGT's TRID): a catalog's
sub-motif VariantIds (RAPGEF2_TTTTA_5P) are not loci and are shown unclassified, never with the locus's
thresholds."""
from __future__ import annotations

import json
import re
from pathlib import Path

from django.db import transaction

from core.audit import Action, AuditContext, audit_record
from core.errors import InputFileError
from genomes.models import StrCatalogLocus
from genomes.variant_identity import normalize_contig

MAX_CATALOG_BYTES = 20 * 1024 * 1024
REGION = re.compile(r"^(?:chr)?([0-9XYMT]{1,2}):(\d+)-(\d+)$", re.IGNORECASE)
MOTIF = re.compile(r"\(([ACGTNRYKMSWBDHV]+)\)\*")


def _whole(value, name: str, field: str, index: int) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputFileError(name, None, f"[{index}].{field}", f"{value!r} is not a whole number of repeats")
    return value


def read_catalog(path: Path | str, *, build: str, name: str | None = None) -> list[StrCatalogLocus]:
    path = Path(path)
    name = name or path.name
    if path.stat().st_size > MAX_CATALOG_BYTES:
        raise InputFileError(name, None, None, "larger than 20 MiB: not a repeat catalog")
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputFileError(name, None, None, f"not JSON ({error})") from None
    if not isinstance(entries, list):
        raise InputFileError(name, None, None, "a repeat catalog is a JSON list of loci")
    loci, seen = [], set()
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise InputFileError(name, None, f"[{index}]", "not an object")
        locus_id = str(entry.get("LocusId") or "").strip()
        if not locus_id:
            raise InputFileError(name, None, f"[{index}].LocusId", "missing")
        if locus_id in seen:
            raise InputFileError(name, None, f"[{index}].LocusId", f"{locus_id} is listed twice")
        seen.add(locus_id)
        regions = entry.get("ReferenceRegion")
        region = entry.get("PathologicRegion") or (regions if isinstance(regions, str) else
                                                   (regions or [""])[0])
        found = REGION.match(str(region or ""))
        if found is None:
            raise InputFileError(name, None, f"[{index}].ReferenceRegion", f"{region!r} is not chrom:start-end")
        normal_max = _whole(entry.get("NormalMax"), name, "NormalMax", index)
        pathologic_min = _whole(entry.get("PathologicMin"), name, "PathologicMin", index)
        if normal_max is not None and pathologic_min is not None and pathologic_min <= normal_max:
            raise InputFileError(name, None, f"[{index}].PathologicMin",
                                 f"{pathologic_min} is not above NormalMax {normal_max}")
        motifs = entry.get("Motifs") or MOTIF.findall(str(entry.get("LocusStructure") or ""))
        loci.append(StrCatalogLocus(
            build=build, locus_id=locus_id[:60], motif=",".join(dict.fromkeys(motifs))[:200],
            display_motif=str(entry.get("DisplayRU") or "")[:40], normal_max=normal_max,
            pathologic_min=pathologic_min, disease=str(entry.get("Disease") or "")[:200],
            inheritance=str(entry.get("InheritanceMode") or "")[:10],
            hgnc_id=f"HGNC:{entry['HGNCId']}" if entry.get("HGNCId") not in (None, "") else "",
            chrom=normalize_contig(found.group(1)), start=int(found.group(2)), end=int(found.group(3)),
            source=name[:200]))
    return loci


def catalog_load(path: Path | str, *, build: str, by=None, audit: AuditContext | None = None) -> dict:
    """Replace the build's catalog with the file's loci, all or nothing; audited."""
    loci = read_catalog(path, build=build)
    before = {locus.locus_id: (locus.normal_max, locus.pathologic_min, locus.inheritance)
              for locus in StrCatalogLocus.objects.filter(build=build)}
    changed = sorted(locus.locus_id for locus in loci
                     if before.get(locus.locus_id) != (locus.normal_max, locus.pathologic_min, locus.inheritance))
    with transaction.atomic():
        replaced = StrCatalogLocus.objects.filter(build=build).delete()[0]
        StrCatalogLocus.objects.bulk_create(loci)
        audit_record(action=Action.CHANGE, user=by, audit=audit, object_type="str_catalog", object_id=build,
                     details={"file": Path(path).name, "loci": len(loci), "replaced": replaced,
                              "thresholds_changed": changed[:200]})
        if changed and before:  # a first catalog classifies; a changed one re-classifies stored calls
            from genomes.signals import str_catalog_changed

            transaction.on_commit(lambda: str_catalog_changed.send(sender=StrCatalogLocus, build=build, loci=changed))
    return {"build": build, "loci": len(loci), "replaced": replaced, "thresholds_changed": changed,
            "with_thresholds": sum(1 for locus in loci if locus.normal_max is not None
                                   and locus.pathologic_min is not None)}


def calls_reclassify(calls) -> list[tuple]:
    """Stored calls classified again with the build's current catalog (the calls are saved): for each call whose
    people's statuses changed, (call, [(position, old status, new status)])."""
    from genomes.str.status import UNCLASSIFIED, person_status, worst

    changed = []
    catalogs: dict[str, dict] = {}
    for call in calls:
        build = call.case.genome_build
        if build not in catalogs:
            catalogs[build] = {locus.locus_id: locus for locus in StrCatalogLocus.objects.filter(build=build)}
        locus = catalogs[build].get(call.locus_id)
        if locus is None or locus.normal_max is None or locus.pathologic_min is None:
            continue
        call.normal_max, call.pathologic_min, call.thresholds_from = locus.normal_max, locus.pathologic_min, "catalog"
        call.inheritance = locus.inheritance or call.inheritance
        moved = []
        for position, found in enumerate(call.sample_calls):
            if not found:
                continue
            status = person_status(found["alleles"], locus.normal_max, locus.pathologic_min, call.inheritance,
                                   haploid=len(found["alleles"]) == 1)
            if status != found.get("status"):
                moved.append((position, found.get("status"), status))
                found["status"] = status
        statuses = [found["status"] for found in call.sample_calls if found]
        call.status = worst(statuses) if statuses else UNCLASSIFIED
        call.save(update_fields=["normal_max", "pathologic_min", "thresholds_from", "inheritance", "status",
                                 "sample_calls"])
        if moved:
            changed.append((call, moved))
    if changed:  # the national size classes follow the people's statuses
        from django.db import connection

        from genomes.str.national import str_observations_recount

        with connection.cursor() as cursor:
            str_observations_recount(cursor, {(call.case.genome_build, call.locus_id) for call, _ in changed})
    return changed
