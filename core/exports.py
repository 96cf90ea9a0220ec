"""Cells of exported files (CSV, TSV) that a spreadsheet opens: text that starts like a formula (= + - @, or a
tab or carriage return before one) is read as a formula by Excel, LibreOffice and Google Sheets (CSV injection,
OWASP). Such text gets a leading apostrophe, which spreadsheets show as text; numbers stay numbers."""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """The value, with a text cell that a spreadsheet would run as a formula turned into plain text."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value  # "-0.25" is a number, not a formula


def spreadsheet_safe_row(values) -> list:
    return [spreadsheet_safe(value) for value in values]

