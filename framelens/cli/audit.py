"""``framelens audit``: list every problem in label files, with file and row; exit 1 when one must be fixed."""
from __future__ import annotations

import argparse

from .common import add_labels_argument


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "audit", help="find duplicates, conflicts, unknown labels and likely mislabels",
        description="Check label files without stopping at the first problem. Exit status 1 when something "
                    "must be fixed (empty field, unknown label, a sentence labelled twice), else 0.",
    )
    add_labels_argument(parser)
    parser.add_argument("--label-set", metavar="A,B,C", help="allowed labels (default: the codebook beside the files)")
    parser.add_argument("--strict", action="store_true", help="exit 1 on findings to check too")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..audit import CHECK, FIX, audit_labels
    from ..config import DEFAULT_CONFIG

    report = audit_labels(args.labels, DEFAULT_CONFIG, allowed=args.label_set.split(",") if args.label_set else None)
    counts = ", ".join(f"{label} {n}" for label, n in report.counts.items())
    print(f"{', '.join(report.files)}: {report.n_rows} rows, {report.n_boilerplate} boilerplate; "
          f"classes: {counts}")
    print(report.model_check)
    for severity, title in ((FIX, "must fix"), (CHECK, "to check")):
        found = [finding for finding in report.findings if finding.severity == severity]
        if found:
            print(f"{title} ({len(found)}):")
            for finding in found:
                print(f"  {finding}")
    if not report.findings:
        print("no problems found")
    if report.must_fix or (args.strict and report.findings):
        return 1
    return 0
