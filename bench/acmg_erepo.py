"""ACMG/AMP combiner against 6,768 ClinGen expert-panel classifications (bench/data/clingen-erepo).

Feeds each row's applied ('Met') codes with their strengths to the combiner and compares the class
with the panel's assertion; retracted rows are excluded. Prints the agreement of each system side by
side, the confusion matrix of the platform's choice (auto: the expert panel's specification), the
remaining disagreements by panel. The expert-panel specifications the platform ships were chosen on these rows,
so their agreement is in-sample; the headline is cross-validated: each panel's combining choice made on one half
of its rows and counted on the other, and, for a panel without a specification, one choice made on the other
panels and counted on the held-out one.

    .venv/bin/python bench/acmg_erepo.py [--markdown docs/acmg_erepo.md]
"""
from __future__ import annotations

import argparse
import collections
import csv
import gzip
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from interpret.acmg.batch import SpecificationChooser  # noqa: E402
from interpret.acmg.combine import (  # noqa: E402
    PURE,
    Classification,
    RuleOptions,
    classify_points,
    classify_rules_2015,
    combine,
)
from interpret.acmg.criteria import parse_codes  # noqa: E402

DATA = ROOT / "bench" / "data" / "clingen-erepo" / "clingen_erepo_6768.tsv.gz"
ASSERTIONS = {
    "Pathogenic": Classification.PATHOGENIC, "Likely Pathogenic": Classification.LIKELY_PATHOGENIC,
    "Uncertain Significance": Classification.UNCERTAIN, "Likely Benign": Classification.LIKELY_BENIGN,
    "Benign": Classification.BENIGN,
}
ORDER = list(Classification)
CANDIDATES = [
    ("points", RuleOptions()), ("points", RuleOptions(stand_alone_benign="weighed")),
    ("points", PURE), ("points", RuleOptions(likely_benign_needs_two_or_strong=False, stand_alone_benign="weighed")),
    ("rules2015", RuleOptions()), ("rules2015", RuleOptions(lone_strong_benign_is_likely_benign=True)),
]


def rows():
    with gzip.open(DATA, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["Retracted"] != "True":
                yield row


def classify(evidence, system, options):
    return (classify_points if system == "points" else classify_rules_2015)(evidence, options)


def _best(rows_):
    return max(CANDIDATES, key=lambda c: (sum(classify(e, *c) is t for e, t in rows_), -CANDIDATES.index(c)))


def cross_check(by_panel) -> tuple[int, int]:
    """2-fold: choose each panel's combining candidate on half its rows, count agreement on the other half."""
    right = total = 0
    for items in by_panel.values():
        for train, test in ((items[0::2], items[1::2]), (items[1::2], items[0::2])):
            best = _best(train)
            right += sum(classify(e, *best) is t for e, t in test)
            total += len(test)
    return right, total


def leave_one_panel_out(by_panel) -> tuple[int, int]:
    """A panel the platform has no specification for: one candidate chosen on every other panel's rows, counted
    on the held-out panel's."""
    right = total = 0
    for held_out, test in by_panel.items():
        train = [row for panel, items in by_panel.items() if panel != held_out for row in items]
        best = _best(train)
        right += sum(classify(e, *best) is t for e, t in test)
        total += len(test)
    return right, total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", help="write the report as Markdown to this file")
    args = parser.parse_args()
    chooser = SpecificationChooser()
    started = time.perf_counter()
    agree = collections.Counter()
    confusion = collections.Counter()
    per_panel = collections.defaultdict(collections.Counter)
    wrong = collections.defaultdict(collections.Counter)
    by_panel = collections.defaultdict(list)
    n = 0
    for row in rows():
        n += 1
        evidence = parse_codes(row["Applied Evidence Codes (Met)"])
        truth = ASSERTIONS[row["Assertion"]]
        panel = " ".join(row["Expert Panel"].split())
        spec = chooser.choose(panel, row["Guideline"])
        chosen = combine(evidence, system="auto", specification=spec)
        results = {
            "plain points sum (Tavtigian 2020)": classify_points(evidence, PURE),
            "Richards 2015 rules (with ClinGen SVI)": classify_rules_2015(evidence),
            "national default (points, lone BP stays VUS)": combine(evidence).classification,
            "auto: expert panel specification": chosen.classification,
        }
        for name, result in results.items():
            agree[name] += result is truth
        confusion[(truth, chosen.classification)] += 1
        per_panel[panel]["n"] += 1
        per_panel[panel]["agree"] += chosen.classification is truth
        per_panel[panel]["system"] = f"{chosen.system}"
        if chosen.classification is not truth:
            codes = ", ".join(sorted(item.code for item in evidence)) or "(none)"
            wrong[panel][(codes, truth.short, chosen.classification.short, chosen.points)] += 1
        by_panel[panel].append((evidence, truth))
    seconds = time.perf_counter() - started
    two_fold, panel_out = cross_check(by_panel), leave_one_panel_out(by_panel)

    out = []
    out.append(f"Rows compared: {n} (retracted rows excluded); scored in {seconds:.2f} s "
               f"({n / seconds:,.0f} rows/s including parsing).\n")
    out.append("| combiner | exact agreement |\n|---|---|")
    # The headline is measured on rows the choices were not made on; the specifications' figure is in-sample.
    out.append(f"| **per-panel choice, cross-validated** (chosen on one half of each panel's rows, counted on the "
               f"other) | **{two_fold[0] / two_fold[1]:.1%}** ({two_fold[0]}/{two_fold[1]}) |")
    out.append(f"| one choice for a panel without a specification, leave-one-panel-out (chosen on the other "
               f"panels) | {panel_out[0] / panel_out[1]:.1%} ({panel_out[0]}/{panel_out[1]}) |")
    for name, count in agree.items():
        label = name + (" (in-sample: the specifications were chosen on these rows)" if name.startswith("auto")
                        else " (one rule set for every panel)")
        out.append(f"| {label} | {count / n:.1%} ({count}/{n}) |")
    out[-1] += "\n"
    out.append("Confusion matrix of the auto choice (rows: expert panel's assertion, columns: combiner):\n")
    out.append("| assertion \\ combiner | " + " | ".join(c.short for c in ORDER) + " |")
    out.append("|---|" + "---|" * len(ORDER))
    for truth in ORDER:
        out.append(f"| {truth.short} | " + " | ".join(str(confusion[(truth, c)]) for c in ORDER) + " |")
    out.append("\nAgreement and remaining disagreements by expert panel (codes, panel's class, ours, points):\n")
    out.append("| expert panel | rows | system | agreement | disagreements (most frequent first) |")
    out.append("|---|---|---|---|---|")
    for panel, counts in sorted(per_panel.items(), key=lambda item: -item[1]["n"]):
        listed = "; ".join(f"{c}× {codes}: {t}→{o} ({p:+d})" for (codes, t, o, p), c in wrong[panel].most_common(4))
        more = sum(wrong[panel].values()) - sum(c for _, c in wrong[panel].most_common(4))
        if more:
            listed += f"; and {more} more"
        out.append(f"| {panel} | {counts['n']} | {counts['system']} | {counts['agree'] / counts['n']:.1%} | "
                   f"{listed or '—'} |")
    text = "\n".join(out)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(
            "# ACMG/AMP combiner on ClinGen expert classifications\n\nGenerated by "
            "`.venv/bin/python bench/acmg_erepo.py --markdown docs/acmg_erepo.md`; see docs/acmg.md for the rules.\n\n"
            + text + "\n")


if __name__ == "__main__":
    main()
