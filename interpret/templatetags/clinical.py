"""Template tags that say what the evidence is, and what it is not: "not annotated" where the file lacks a field,
"absent from gnomAD" where it has the field and the variant no value (interpret.analysis.evidence); percentages
at the precision they have; ClinVar stars."""
from __future__ import annotations

import math

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from genomes.clinvar import REVIEW_STAR_LABELS
from genomes.transcripts import decoded_hgvs
from genomes.vcf.evidence_fields import EVIDENCE_LABELS
from interpret.analysis import evidence as evidence_rules

register = template.Library()


@register.simple_tag
def frequency(value, evidence, field="gnomad_popmax"):
    return evidence_rules.frequency_text(value, evidence, field)


@register.simple_tag
def score(value, evidence, field, digits=".3g"):
    return evidence_rules.score_text(value, evidence, field, digits)


_SHORT = {evidence_rules.NOT_ANNOTATED: ("n/a", "not annotated: the file carries no such field"),
          evidence_rules.NOT_RECORDED: ("?", "not recorded: an import made before the platform recorded which "
                                             "evidence a file carries"),
          "no score": ("–", "no score: the file carries the field and this variant has no value")}


def _cell(text: str):
    """A table cell's short form of an evidence text, the whole in its title."""
    if text.startswith("absent from "):
        return format_html('<abbr class="evidence-missing" title="{}: the file carries it and this variant has no '
                           'frequency">absent</abbr>', text)
    if text not in _SHORT:
        return text
    short, title = _SHORT[text]
    return format_html('<abbr class="evidence-missing" title="{}">{}</abbr>', title, short)


@register.simple_tag
def frequency_cell(value, evidence):
    return _cell(evidence_rules.frequency_text(value, evidence))


@register.simple_tag
def score_cell(value, evidence, field, digits=".3g"):
    return _cell(evidence_rules.score_text(value, evidence, field, digits))


@register.filter
def percent(value, significant=2):
    """A fraction as a percentage with ``significant`` significant digits (0.0014 -> 0.14%), never "0%" for a
    figure that is not zero."""
    if value is None:
        return ""
    number = float(value) * 100
    if number == 0:
        return "0%"
    digits = max(0, int(significant) - 1 - math.floor(math.log10(abs(number))))
    return f"{number:.{digits}f}%"


@register.filter
def clinvar_stars(stars):
    if stars is None:
        return ""
    return "★" * stars + "☆" * (4 - stars)


@register.filter
def clinvar_review(stars):
    return REVIEW_STAR_LABELS.get(stars, "review status not annotated")


@register.filter
def hgvs(text):
    return decoded_hgvs(text) or ""


@register.filter
def hgvs_short(text):
    """HGVS without its transcript or protein id (``ENSP...:p.Arg1Gln`` -> ``p.Arg1Gln``), for a table cell; the
    cell's title holds the whole."""
    text = decoded_hgvs(text) or ""
    return text.split(":", 1)[1] if ":" in text else text


@register.filter
def words(value):
    """A stored code as words: ``common_by_retention_policy`` -> "common by retention policy"."""
    return str(value or "").replace("_", " ")


ALLELE_SHOWN_BASES = 12


@register.filter
def allele_short(allele):
    """An allele fit for a heading: a long one (a 990 bp deletion's REF) cut to its first bases and its length."""
    allele = str(allele or "")
    if len(allele) <= ALLELE_SHOWN_BASES + 3:
        return allele
    return f"{allele[:ALLELE_SHOWN_BASES]}…({len(allele):,} bp)"


@register.filter
def css_string(value):
    """Text inside a CSS string ("..." in a page margin's content): CSS escapes (a backslash and the code point in
    hex, then a space), not JavaScript's, which CSS would print as "u002D"; markup-safe as well."""
    out = []
    for char in str(value or ""):
        if char in '"\\<>&\'' or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):X} ")
        else:
            out.append(char)
    return mark_safe("".join(out))


@register.filter
def bases(length):
    """A length in bases as a reader takes it in: 990 bp, 632 kb, 1.2 Mb."""
    try:
        length = abs(int(length))
    except (TypeError, ValueError):
        return ""
    if length >= 1_000_000:
        return f"{length / 1_000_000:.3g} Mb"
    if length >= 10_000:
        return f"{length / 1000:.0f} kb"
    return f"{length:,} bp"


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)


@register.filter
def evidence_label(field):
    return EVIDENCE_LABELS.get(field, str(field).replace("_", " "))
