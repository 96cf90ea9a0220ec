"""The read view: a page with igv.js showing the family's reads at one locus, the slices of reads it loads, and
the reference sequence in byte ranges. Every route opens the case for the user (rights and audit as any case
page); nothing serves a whole file or a region longer than READ_SLICE_MAX."""
from __future__ import annotations

import re

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from core.web import audit_context
from genomes.models import AlignmentFile
from genomes.reads import ReadViewError, locus_parse, read_slice, read_view_tracks, reference_bytes, reference_of
from genomes.web import case_for_request

_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")


def case_reads(request, case_id: int):
    """The page: one track per sequenced person at the locus (``?locus=CHROM:POS`` or ``CHROM:START-END``, widened
    by READ_SLICE_FLANK)."""
    case = case_for_request(request, case_id)
    error, config = None, None
    try:
        locus = locus_parse(request.GET.get("locus", ""))
        view = read_view_tracks(case, locus)
        config = {
            "locus": view["locus"],
            "reference": {"id": case.genome_build, "name": case.genome_build,
                          "fastaURL": reverse("case_reads_reference", args=[case.pk]),
                          "indexURL": reverse("case_reads_reference_index", args=[case.pk])},
            "tracks": [{"name": track["individual"], "type": "alignment", "format": "bam", "indexed": False,
                        "url": reverse("case_reads_slice", args=[case.pk, track["sample_id"]])
                        + f"?locus={locus.chrom}:{locus.start}-{locus.end}"}
                       for track in view["tracks"] if track["has_contig"]],
            "missing": [track["individual"] for track in view["tracks"] if not track["has_contig"]],
        }
    except ReadViewError as exc:
        error = str(exc)
    return render(request, "genomes/case_reads.html", {
        "case": case, "error": error, "config": config, "locus": request.GET.get("locus", ""),
        "flank": settings.READ_SLICE_FLANK, "longest": settings.READ_SLICE_MAX,
        "active_group": case.patient_group.code}, status=400 if error else 200)


def case_reads_slice(request, case_id: int, sample_id: int):
    """One person's reads at the locus as a BAM of their own (igv.js loads it whole: ``indexed: false``)."""
    case = case_for_request(request, case_id)
    alignment = AlignmentFile.objects.filter(sample_id=sample_id, sample__case=case).select_related(
        "sample__individual", "sample__case__department").first()
    if alignment is None:
        raise Http404("No alignment file for this sample of this case")
    try:
        # the locus was widened when the page was made: the slice takes it as given, within the same limit
        locus = locus_parse(request.GET.get("locus", ""), flank=False)
        data, _ = read_slice(alignment=alignment, locus=locus, by=request.user, audit=audit_context(request))
    except ReadViewError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain")
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'inline; filename="{alignment.sample.individual.individual_id}.{locus}.bam"'
    return response


def case_reads_reference(request, case_id: int):
    """The case's build's reference FASTA, in the byte ranges igv.js asks for (a range no longer than a slice)."""
    case = case_for_request(request, case_id)
    matched = _RANGE.match(request.headers.get("Range", ""))
    if matched is None:
        return HttpResponse("ask for a byte range (Range: bytes=START-END)", status=416, content_type="text/plain")
    start = int(matched.group(1))
    end = int(matched.group(2)) if matched.group(2) else start + 65_535
    try:
        data, size = reference_bytes(case.genome_build, start, end)
    except ReadViewError as exc:
        return HttpResponse(str(exc), status=416, content_type="text/plain")
    response = HttpResponse(data, status=206, content_type="text/plain")
    response["Content-Range"] = f"bytes {start}-{start + len(data) - 1}/{size}"
    response["Accept-Ranges"] = "bytes"
    return response


def case_reads_reference_index(request, case_id: int):
    case = case_for_request(request, case_id)
    try:
        path, _ = reference_of(case.genome_build)
    except ReadViewError as exc:
        return HttpResponse(str(exc), status=404, content_type="text/plain")
    return HttpResponse(path.with_name(path.name + ".fai").read_bytes(), content_type="text/plain")
