"""Paths into ../shared/data, the real public test files beside the checkout."""
from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def shared(relative: str) -> Path:
    path = SHARED_DATA / relative
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: tests expect ../shared/ beside the checkout")
    return path
