"""The configured bounds on a case's VCF files (settings VCF_MAX_*), for the reader, the screen, the workers and the
SV import."""
from django.conf import settings

from genomes.vcf.limits import ReadLimits


def read_limits() -> ReadLimits:
    return ReadLimits(max_line_bytes=settings.VCF_MAX_LINE_BYTES, max_header_bytes=settings.VCF_MAX_HEADER_BYTES,
                      max_bytes=settings.VCF_MAX_BYTES, max_expansion=settings.VCF_MAX_EXPANSION)
