"""framelens audit: planted duplicate, conflict, mislabel and unknown label; a clean file exits 0."""
import itertools

import pytest

from framelens.audit import audit_labels
from framelens.cli import main

from .conftest import write_labels, write_shipped_codebook

SUBJECTS = ["Moscow", "Tehran", "The Kremlin"]
PLACES = ["Caspian", "Gulf", "Syria", "Ukraine", "Caucasus", "Black Sea", "Central Asia"]
TEMPLATES = {
    "western-concern": [
        "Western governments warned that the {p} pact threatens security and raises alarm over drones supplied by {s}.",
        "NATO officials fear {s} will fuel escalation in the {p} region with missiles and drones.",
        "Critics in Washington accused {s} of destabilising the {p} with weapons deliveries.",
    ],
    "counter-hegemony": [
        "{s} hailed the {p} treaty as a blow to Western hegemony and a step toward a multipolar world.",
        "{s} said sanctions failed and the {p} partnership defies US dominance and imperial pressure.",
        "For {s}, the {p} deal proves that the US-led order is in decline.",
    ],
    "neutral-report": [
        "The {p} agreement has 47 articles, and {s} will sign it on Friday.",
        "{s} scheduled the {p} talks for three days in January, a spokesperson said.",
        "The {p} document, published by {s}, covers trade, energy and transport.",
    ],
}
MISLABELLED = "NATO officials fear Moscow will fuel escalation in the Caucasus region with missiles and drones."


def clean_rows():
    """63 distinct sentences, 21 per frame, over four articles: nothing to fix or check."""
    rows = []
    for label, templates in TEMPLATES.items():
        pairs = itertools.product(SUBJECTS, PLACES)
        for n, (template, (subject, place)) in enumerate(zip(itertools.cycle(templates), pairs)):
            rows.append((f"a{n % 4}", "Wire", template.format(s=subject, p=place), label))
    return rows


@pytest.fixture
def labels_dir(tmp_path):
    directory = tmp_path / "labels"
    directory.mkdir()
    write_shipped_codebook(directory)  # its signals are lexicon features of the model check
    return directory


def test_clean_file_exits_0(labels_dir, capsys):
    write_labels(labels_dir / "clean.csv", clean_rows())
    assert main(["audit", str(labels_dir)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        (f"{labels_dir}/clean.csv: 63 rows, 0 boilerplate; classes: western-concern 21, counter-hegemony 21, "
        "neutral-report 21"),
        "model check: 4-fold cross-validation grouped by article over 63 sentences",
        "no problems found",
    ]


def test_planted_duplicate_conflict_and_mislabel(labels_dir, capsys):
    rows = clean_rows()
    assert rows[4][2] == MISLABELLED
    rows[4] = (*rows[4][:3], "neutral-report")          # row 6: a western-concern sentence called neutral
    rows.append(rows[29])                                  # row 65: repeats row 31
    rows.append((*rows[39][:3], "western-concern"))       # row 66: relabels row 41
    path = write_labels(labels_dir / "planted.csv", rows)
    assert main(["audit", str(path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{path}: 65 rows, 0 boilerplate; classes: western-concern 20, counter-hegemony 21, neutral-report 22",
        "model check: 4-fold cross-validation grouped by article over 63 sentences",
        "must fix (2):",
        (f"  {path}, row 65: the same sentence is already labelled 'counter-hegemony' at {path}, row 31; "
        "delete one of them"),
        (f"  {path}, row 66: the same sentence is labelled 'counter-hegemony' at {path}, row 41 and "
        "'western-concern' here; keep one label"),
        "to check (1):",
        (f"  {path}, row 6: labelled 'neutral-report' but the cross-validated model says 'western-concern' "
        "(0.90 vs 0.06): \"NATO officials fear Moscow will fuel escalation in the Caucasus region with missiles and…\""),
    ]


def test_mislabel_alone_is_to_check_and_strict_makes_it_fail(labels_dir, capsys):
    rows = clean_rows()
    rows[4] = (*rows[4][:3], "neutral-report")
    path = write_labels(labels_dir / "one.csv", rows)
    assert main(["audit", str(path)]) == 0
    assert main(["audit", str(path), "--strict"]) == 1
    report = audit_labels([path])
    assert [(f.kind, f.severity, f.row) for f in report.findings] == [("disputed", "check", 6)]


def test_collects_every_problem_instead_of_stopping(labels_dir, capsys):
    path = write_labels(labels_dir / "bad.csv", [
        ("a", "", "The pact was signed.", "neutral-report"),
        ("a", "", "", "neutral-report"),
        ("b", "", "Sanctions failed.", "counter-hegemny"),
        ("b", "", "The pact  was signed.", "western-concern"),
        ("b", "", "Menu", "boilerplate"),
        ("c", "", "Drones were supplied.", ""),
    ])
    assert main(["audit", str(path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{path}: 6 rows, 1 boilerplate; classes: western-concern 0, counter-hegemony 0, neutral-report 1",
        "model check skipped: it needs at least two labels",
        "must fix (4):",
        f"  {path}, row 3: empty sentence; fill it in or delete the row",
        f"  {path}, row 7: empty label; give the sentence a label or delete the row",
        (f"  {path}, row 4: label 'counter-hegemny' is not in the declared set "
        "(counter-hegemony, neutral-report, western-concern); did you mean 'counter-hegemony'?"),
        (f"  {path}, row 5: the same sentence is labelled 'neutral-report' at {path}, row 2 and 'western-concern' "
        "here; keep one label"),
        "to check (3):",
        "  class 'western-concern' has 0 sentences (fewer than 20); label more of it",
        "  class 'counter-hegemony' has 0 sentences (fewer than 20); label more of it",
        "  class 'neutral-report' has 1 sentence (fewer than 20); label more of it",
    ]


def test_near_duplicates_and_undo_rows(tmp_path):
    path = write_labels(tmp_path / "near.csv", [
        ("a", "", "Western capitals warned the pact could destabilise the region.", "western-concern"),
        ("b", "", "Western capitals warned that the pact could destabilise the region.", "counter-hegemony"),
        ("c", "", "Putin hailed the deal.", "counter-hegemony"),
        ("c", "", "Putin hailed the deal.", "undo"),
        ("c", "", "Putin hailed the deal.", "neutral-report"),
    ])
    findings = [f for f in audit_labels([path]).findings if f.kind != "balance"]
    assert [str(f) for f in findings if f.kind == "near-duplicate"] == [
        (f"{path}, row 3: nearly the same sentence as {path}, row 2 (similarity 1.00), labelled 'western-concern' "
        "there and 'counter-hegemony' here; check which is right"),
    ]
    assert not [f for f in findings if f.severity == "fix"]  # the undo row withdrew row 4: no conflict


def test_model_check_needs_two_labels_in_every_training_fold(tmp_path, capsys):
    path = write_labels(tmp_path / "split.csv", [
        ("a", "", "Sanctions failed.", "pro"), ("a", "", "Hegemony ends.", "pro"),
        ("b", "", "Drones were supplied.", "con"), ("b", "", "Alarm in Europe.", "con"),
    ])
    assert main(["audit", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        "model check skipped: cross-validation needs at least two labels in every training fold; "
        "without b only 'pro' is left"
    )
