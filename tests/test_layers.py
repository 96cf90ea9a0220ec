"""The layers import one way: platform core, then genomes, then panels, then interpretation (docs/architecture.md).

Every module's imports are read from its source (module level and inside functions alike) and checked:
- no module imports a higher layer;
- no import cycle between the subpackages (or root modules) of the project;
- the modules that run without Django (the import worker and record screen, the rules of variant identity and
  ACMG) import no Django and nothing that does.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Bottom up. Panels may use genomes' reference modules (variant identity, gene models), never the reverse.
LAYERS = {"core": 0, "genomes": 1, "panels": 2, "interpret": 3}
# Plain modules: no Django, so they run in the import's worker processes and are tested without a database.
WITHOUT_DJANGO = ("genomes.vcf", "genomes.case_variant_filters", "genomes.importing.worker",
                  "genomes.importing.copy_text", "genomes.genotypes", "genomes.clinvar", "genomes.transcripts",
                  "genomes.variant_identity", "genomes.family", "interpret.acmg", "interpret.rules", "core.errors",
                  "core.processes")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in LAYERS:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[_module_name(path)] = path
    return modules


def _optional_imports(tree) -> set[int]:
    """Ids of import nodes inside ``try: ... except ImportError`` (used when there, done without otherwise)."""
    optional = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                for h in node.handlers):
            optional.update(id(inner) for statement in node.body for inner in ast.walk(statement))
    return optional


def imports_of(path: Path, name: str, *, required_only: bool = False) -> set[str]:
    """Absolute module names imported anywhere in the file (relative imports resolved)."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(), str(path))
    optional = _optional_imports(tree) if required_only else set()
    for node in ast.walk(tree):
        if id(node) in optional:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


MODULES = project_modules()
GRAPH = {name: {i for i in imports_of(path, name) if i in MODULES and i != name} for name, path in MODULES.items()}


def layer(module: str) -> int:
    return LAYERS[module.split(".")[0]]


def unit(module: str) -> str:
    """A subpackage (genomes.vcf, interpret.analysis) for modules inside one, else the module itself."""
    parts = module.split(".")
    if len(parts) >= 2 and (ROOT / parts[0] / parts[1]).is_dir():
        return ".".join(parts[:2])
    return module


def test_the_import_graph_was_read():
    assert len(MODULES) > 80
    assert "core.models" in GRAPH["interpret.classification.models"]
    assert "interpret.classification.models" in GRAPH["interpret.models"]


def test_no_module_imports_a_higher_layer():
    upward = sorted(f"{source} -> {target}" for source, targets in GRAPH.items() for target in targets
                    if layer(target) > layer(source))
    assert upward == [], "imports that run up the layers:\n" + "\n".join(upward)


def test_no_import_cycle_between_subpackages_or_modules():
    units: dict[str, set[str]] = {}
    for source, targets in GRAPH.items():
        units.setdefault(unit(source), set()).update(unit(t) for t in targets if unit(t) != unit(source))
    cycles, state = [], {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(units.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join(path[path.index(nxt):] + [nxt]) if nxt in path else f"{node} -> {nxt}")
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for start in sorted(units):
        if start not in state:
            visit(start, [start])
    assert cycles == [], "import cycles:\n" + "\n".join(cycles)


@pytest.mark.parametrize("prefix", WITHOUT_DJANGO)
def test_plain_modules_run_without_django(prefix):
    plain = [name for name in MODULES if name == prefix or name.startswith(prefix + ".")]
    assert plain, prefix
    seen, stack, offending = set(), list(plain), []
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        direct = imports_of(MODULES[name], name, required_only=True)
        if any(i == "django" or i.startswith("django.") or i.startswith("rest_framework") for i in direct):
            offending.append(name)
        stack.extend(GRAPH[name])
    assert offending == [], f"{prefix} reaches Django through: {', '.join(sorted(offending))}"


# The interpretation package's root holds the project's wiring; the interpretation itself lives in subpackages.
INTERPRET_WIRING = {"interpret", "interpret.settings", "interpret.urls", "interpret.celery", "interpret.wsgi",
                    "interpret.asgi", "interpret.apps", "interpret.checks", "interpret.models"}


def test_the_interpretation_root_holds_only_the_projects_wiring():
    roots = {name for name, path in MODULES.items() if name.startswith("interpret") and unit(name) == name
             and (path.name != "__init__.py" or name == "interpret")
             and not name.startswith(("interpret.management", "interpret.templatetags"))}
    assert roots - INTERPRET_WIRING == set(), "interpretation code in the package root: move it to a subpackage"


def test_only_the_demo_its_commands_and_the_deployment_check_import_the_demo():
    importers = sorted(source for source, targets in GRAPH.items()
                       if any(t.startswith("interpret.demo") for t in targets)
                       and not source.startswith(("interpret.demo", "interpret.management")))
    assert importers == ["interpret.checks"]


# Column names and 1-based array indexes of genomes_casevariant, written into SQL text
CASE_VARIANT_SQL = re.compile(r"(genotypes|allele_fraction|depth|alt_reads|ref_reads|genotype_quality)\[\{|"
                              r"\b(gnomad_popmax|gnomad_af|clinvar_stars)\s*(<=|>=|IS NULL)|"
                              r"(genes|consequences|clinvar)\s*&&|FROM genomes_casevariant")


def test_interpretation_asks_genomes_for_case_variant_conditions_instead_of_writing_sql():
    writers = sorted(name for name, path in MODULES.items() if name.startswith("interpret")
                     and CASE_VARIANT_SQL.search(path.read_text()))
    assert writers == []
