"""A starter project for your own story: ``labels/codebook.toml``, an empty ``labels/labels.csv``, a README.

Written by ``framelens init DIR``. The example codebook (a tariff story) is
meant to be edited: rename the frames, write their definitions, add signals.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from .codebook import CODEBOOK_FILE, Codebook, Frame
from .errors import OutputError

LABELS_FILE = "labels.csv"
LABELS_HEADER = "article_id,outlet,text,label,source,note\n"
_TODO_DEFINITION = "TODO: one line saying what this label means"

EXAMPLE = Codebook(
    story="Tariffs on imported steel",
    no_frame="neutral",
    frames=(
        Frame("pro-tariff",
              "The tariffs as protection or strength: jobs saved, industry revived, fair trade, national security.",
              signals=("protect", "protects", "jobs", "fair trade", "level playing field", "national security",
                       "revive", "unfair"),
              examples=("The tariffs will protect American steelworkers from unfair competition.",)),
        Frame("anti-tariff",
              "The tariffs as harm: higher prices, retaliation, a trade war, lost exports, costs to consumers.",
              signals=("higher prices", "retaliation", "retaliatory", "trade war", "costs", "consumers pay",
                       "backfire", "hurt"),
              examples=("Economists warn the tariffs will raise prices for consumers and invite retaliation.",)),
        Frame("neutral",
              "Facts without an evaluative angle: rates, dates, goods covered, procedure, who announced what.",
              examples=("The 25 percent tariff takes effect on March 12.",)),
    ),
)

_HEADER = """\
# framelens codebook: the label set of this project, one [[frames]] table per label.
#
# Edit it before labelling. Each frame has:
#   name        the label as written in the labels files (no spaces or commas)
#   definition  one line: what a sentence with this label presents the story as
#               (shown when you press ? while labelling, and in the report)
#   signals     optional: typical phrases; they become keyword-count features of the model
#               and the "lexicon" baseline of framelens evaluate (leave them out for neither)
#   examples    optional: sentences that take this label
#   colour      optional: "#RRGGBB" for the figures (default: the Okabe-Ito palette in order)
# no_frame (optional) names the label that means "no frame": the baseline's answer when no signal matches.
"""

README = """\
# {story}

A framelens project: your own story and label set.

| path | what |
|---|---|
| `labels/codebook.toml` | the labels: names, definitions, signal phrases, examples, colours |
| `labels/labels.csv` | labelled sentences (`article_id, outlet, text, label, source, note`), appended to |
| `model/` | the model `framelens train` writes (used by the commands run here) |

Workflow, run from this directory (`ARTICLES` is a directory of `.txt` articles, or `.jsonl`/`.csv`):

```bash
framelens label ARTICLES --into labels/labels.csv            # label in the terminal (? shows the definitions)
framelens suggest ARTICLES --out sheet.csv                    # ... or in a spreadsheet,
framelens import-labels sheet.csv --into labels/labels.csv    # ... and back
framelens train labels/                                       # cross-validated model in model/
framelens evaluate labels/ --out evaluation/                  # honest accuracy, with baselines
framelens report ARTICLES --out report/                       # per-outlet report: report/report.html
```

Label sentences from several articles (cross-validation holds out whole articles) and
keep `article_id` filled in. Predictions (`framelens predict ARTICLES --out p.csv`) whose
`label` column you correct by hand can go back in:
`framelens import-labels p.csv --into labels/labels.csv`.
"""


def codebook_toml(codebook: Codebook) -> str:
    """A commented ``codebook.toml`` for ``codebook`` (values as JSON strings, which TOML accepts)."""
    lines = [_HEADER, f"story = {json.dumps(codebook.story, ensure_ascii=False)}"]
    if codebook.no_frame:
        lines.append(f"no_frame = {json.dumps(codebook.no_frame)}")
    for frame in codebook.frames:
        lines += ["", "[[frames]]", f"name = {json.dumps(frame.name, ensure_ascii=False)}",
                  f"definition = {json.dumps(frame.definition or _TODO_DEFINITION, ensure_ascii=False)}"]
        for key in ("signals", "examples"):
            values = getattr(frame, key)
            if values:
                lines.append(f"{key} = {json.dumps(list(values), ensure_ascii=False)}")
        if frame.colour:
            lines.append(f"colour = {json.dumps(frame.colour)}")
    return "\n".join(lines) + "\n"


def init_project(directory: str | Path, names: Sequence[str] | None = None, *, story: str = "") -> list[Path]:
    """Write the starter files into ``directory``; refuses if any of them exists. Returns the paths written."""
    directory = Path(directory)
    codebook = Codebook.from_names(names, "--frames") if names else EXAMPLE
    if story:
        codebook = Codebook(codebook.frames, codebook.no_frame, story)
    files = {
        directory / "labels" / CODEBOOK_FILE: codebook_toml(codebook),
        directory / "labels" / LABELS_FILE: LABELS_HEADER,
        directory / "README.md": README.format(story=codebook.story or "My story"),
    }
    for path in files:
        if path.exists():
            raise OutputError(f"{path}: already exists; framelens init never overwrites, choose a new DIR")
    for path, text in files.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
        except OSError as error:
            raise OutputError(f"{path}: cannot write ({error.strerror}); choose a writable DIR") from None
    return list(files)
