"""Inter-annotator agreement between two labellings of the same sentences.

    python tools/agreement.py labels/seeds.csv evaluation/seeds_second_pass.csv

Sentences are matched by normalised text; prints counts, raw agreement, Cohen's
kappa, the confusion table and every disagreement.
"""
from __future__ import annotations

import sys

from sklearn.metrics import cohen_kappa_score, confusion_matrix

from framelens.labels import read_label_rows


def main(first_path: str, second_path: str) -> int:
    first = {row.key: row for row in read_label_rows(first_path)}
    second = {row.key: row for row in read_label_rows(second_path)}
    shared = [key for key in first if key in second]
    labels = sorted({first[k].label for k in shared} | {second[k].label for k in shared})
    a = [first[k].label for k in shared]
    b = [second[k].label for k in shared]
    agree = sum(x == y for x, y in zip(a, b, strict=True))
    print(f"sentences in both files: {len(shared)} (only first: {len(first) - len(shared)}, "
          f"only second: {len(second) - len(shared)})")
    print(f"raw agreement: {agree}/{len(shared)} = {agree / len(shared):.3f}")
    print(f"Cohen's kappa: {cohen_kappa_score(a, b, labels=labels):.3f}")
    print("confusion (rows: first file, columns: second file):")
    print("  " + " | ".join([" " * 17] + [f"{label:>17}" for label in labels]))
    for label, counts in zip(labels, confusion_matrix(a, b, labels=labels), strict=True):
        print("  " + " | ".join([f"{label:>17}"] + [f"{n:>17}" for n in counts]))
    print("disagreements:")
    for key in shared:
        if first[key].label != second[key].label:
            row = first[key]
            print(f"  {row.article_id} row {row.row}: {first[key].label} vs {second[key].label}: {row.sentence}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python tools/agreement.py FIRST.csv SECOND.csv")
    sys.exit(main(sys.argv[1], sys.argv[2]))
