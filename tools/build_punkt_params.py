"""Rebuild framelens/data/punkt_params.json from the project's own text.

Runs nltk's PunktTrainer over the seed articles and the labelled sentences
(the project's own text, so nothing is downloaded) and writes the learned
parameters. Usage, from the repository root:

    python tools/build_punkt_params.py [TEXT_OR_DIR ...]
"""
from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from pathlib import Path

from framelens.clean import strip_boilerplate
from framelens.corpus import read_corpus
from framelens.sentences import PARAMS_FILE, learn_parameters, parameters_to_dict, shipped_abbreviations


def project_texts(paths: list[str]) -> list[str]:
    texts = [strip_boilerplate(article.text) for article in read_corpus(paths)]
    for labels in sorted(Path("labels").glob("*.csv")):
        with open(labels, encoding="utf-8", newline="") as handle:
            sentences = [row["sentence"] for row in csv.DictReader(handle) if row.get("sentence")]
        texts.append("\n".join(sentences))
    return texts


def main(argv: list[str]) -> int:
    params = learn_parameters(project_texts(argv or ["seeds"]), shipped_abbreviations())
    target = Path("framelens") / "data" / PARAMS_FILE
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(parameters_to_dict(params), handle, indent=1, ensure_ascii=False)
        handle.write("\n")
    os.replace(tmp, target)
    print(f"wrote {target}: {len(params.abbrev_types)} abbreviations, "
          f"{len(params.sent_starters)} sentence starters, {len(params.collocations)} collocations")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
