"""What changed between two panel versions: genes added, removed, confidence and mode of inheritance changed."""
from __future__ import annotations

from collections.abc import Iterable


def panel_diff(old: Iterable[dict], new: Iterable[dict]) -> dict:
    """Compare entries given as dicts with symbol, confidence, mode_of_inheritance (order does not matter)."""
    before = {e["symbol"]: e for e in old}
    after = {e["symbol"]: e for e in new}
    common = sorted(before.keys() & after.keys())
    return {
        "added": sorted(after.keys() - before.keys()),
        "removed": sorted(before.keys() - after.keys()),
        "confidence_changed": [
            {"symbol": s, "from": before[s]["confidence"], "to": after[s]["confidence"]}
            for s in common if before[s]["confidence"] != after[s]["confidence"]
        ],
        "mode_of_inheritance_changed": [
            {"symbol": s, "from": before[s]["mode_of_inheritance"], "to": after[s]["mode_of_inheritance"]}
            for s in common if before[s]["mode_of_inheritance"] != after[s]["mode_of_inheritance"]
        ],
    }

