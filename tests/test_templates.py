"""Templates hold no inline script handlers: the Content Security Policy (core.middleware) blocks them, so a
control wired by one does nothing. Behaviour lives in static/js/platform.js, wired by data attributes."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# An HTML attribute whose name starts with "on" (onclick=, onchange=, onload= ...), quoted or not.
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)


def test_no_template_has_an_inline_event_handler():
    offending = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for match in INLINE_HANDLER.finditer(path.read_text()):
            line = path.read_text()[:match.start()].count("\n") + 1
            offending.append(f"{path.relative_to(ROOT)}:{line}")
    assert offending == [], "inline event handlers (blocked by the CSP): " + ", ".join(offending)


def test_the_check_finds_an_inline_handler():
    assert INLINE_HANDLER.search('<select name="state" onchange="this.form.submit()">')
    assert INLINE_HANDLER.search("<button\n  onclick='x()'>")
    assert not INLINE_HANDLER.search('<select name="state" data-autosubmit data-online="1">')
