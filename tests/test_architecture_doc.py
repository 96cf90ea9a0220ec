"""docs/architecture.md tells the truth about the code: its list of rooms and import arrows (the ```imports block)
is the real import graph, read from the source as tests/test_layers.py reads it, with no room or arrow more or
fewer; and every file path it names exists."""
from __future__ import annotations

import re

from tests.test_layers import GRAPH, MODULES, ROOT

DOC = ROOT / "docs" / "architecture.md"
# Folders of an app that are part of its root, not rooms of their own
ROOT_FOLDERS = ("management", "templatetags", "migrations")


def room(module: str) -> str:
    parts = module.split(".")
    if len(parts) >= 2 and (ROOT / parts[0] / parts[1]).is_dir() and parts[1] not in ROOT_FOLDERS:
        return ".".join(parts[:2])
    return parts[0]


def real_graph() -> dict[str, set[str]]:
    graph = {room(m): set() for m in MODULES}
    for source, targets in GRAPH.items():
        graph[room(source)].update(room(t) for t in targets if room(t) != room(source))
    return graph


def documented_graph() -> dict[str, set[str]]:
    block = re.search(r"```imports\n(.*?)```", DOC.read_text(), re.S).group(1)
    graph, current = {}, None
    for line in block.splitlines():
        if "->" in line:
            current, targets = (part.strip() for part in line.split("->", 1))
            graph[current] = set()
        else:
            targets = line.strip()
        if targets and targets != "(nothing of the project)":
            graph[current].update(t.strip() for t in targets.split(",") if t.strip())
    return graph


def test_the_documented_rooms_and_imports_are_the_real_ones():
    real, documented = real_graph(), documented_graph()
    assert sorted(documented) == sorted(real), "rooms differ"
    differences = {r: {"undocumented": sorted(real[r] - documented[r]), "not real": sorted(documented[r] - real[r])}
                   for r in real if real[r] != documented[r]}
    assert differences == {}


def test_every_path_the_document_names_exists():
    named = set(re.findall(r"`((?:core|genomes|panels|interpret|tests|bench|docs|templates)/[\w/.-]+)`",
                           DOC.read_text()))
    assert named, "the document names no paths"
    missing = sorted(path for path in named if not (ROOT / path.rstrip("/")).exists()
                     and not (ROOT / path.split(".", 1)[0]).with_suffix(".py").exists())
    assert missing == []


BENCHMARKS = ROOT / "docs" / "benchmarks.md"
COMMANDS = {path.stem for app in ("core", "genomes", "panels", "interpret")
            for path in (ROOT / app / "management" / "commands").glob("*.py") if path.stem != "__init__"}


def test_every_benchmark_section_names_commands_that_exist_in_the_repository():
    """Each figure is reproduced by a command in this repository: every section of docs/benchmarks.md names one,
    and every bench/ script, manage.py command and python -m module it names exists."""
    sections = re.split(r"^## ", BENCHMARKS.read_text(), flags=re.M)[1:]
    assert len(sections) >= 8
    for section in sections:
        title = section.splitlines()[0]
        scripts = set(re.findall(r"\bbench/[\w.-]+\.(?:py|sh)", section))
        commands = set(re.findall(r"manage\.py (\w+)", section))
        modules = set(re.findall(r"python -m ([\w.]+)", section))
        assert scripts or commands, f"section {title!r} names no command of the repository"
        assert all((ROOT / script).exists() for script in scripts), (title, scripts)
        assert commands <= COMMANDS, (title, commands - COMMANDS)
        missing_modules = [m for m in modules if not (ROOT / m.replace(".", "/")).with_suffix(".py").exists()]
        assert missing_modules == [], (title, missing_modules)
