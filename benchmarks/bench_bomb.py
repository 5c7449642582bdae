"""Peak memory of `framelens predict` on gzip bombs: a .txt.gz and a one-line .jsonl.gz (default 500 MB each).

Run: PYTHONPATH=. python benchmarks/bench_bomb.py [MEGABYTES] [MODEL_DIR]

Each bomb is written to a temporary directory, `framelens predict` runs on it
in a child process, and the child's peak RSS (ru_maxrss) is printed with its
exit status and last stderr line. The limits (config.py: max_input_bytes,
max_article_chars) keep memory bounded: the over-long article is skipped with
a warning, not read whole.
"""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

MEASURE = (
    "import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
    "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def write_bomb(path: Path, megabytes: int, jsonl: bool) -> None:
    block = b"word " * (1 << 18)  # 1.25 MiB of text
    with gzip.open(path, "wb", compresslevel=9) as handle:
        if jsonl:
            handle.write(b'{"id": "bomb", "text": "')
        written = 0
        while written < megabytes << 20:
            handle.write(block)
            written += len(block)
        if jsonl:
            handle.write(b'"}\n' + json.dumps({"id": "ok", "text": "A small article."}).encode() + b"\n")


def main(megabytes: str = "500", model_dir: str = "model") -> None:
    framelens = Path(sys.executable).parent / "framelens"
    for suffix in (".txt.gz", ".jsonl.gz"):
        with tempfile.TemporaryDirectory() as tmp:
            bomb = Path(tmp) / f"bomb{suffix}"
            write_bomb(bomb, int(megabytes), suffix.startswith(".jsonl"))
            # A fresh measuring process per bomb, so ru_maxrss of its children is this run's peak alone.
            command = [str(framelens), "predict", str(bomb), "--model", model_dir, "--jobs", "1", "--quiet",
                       "--out", os.path.join(tmp, "out.jsonl")]
            done = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True,
                                  check=False)
            status, peak_kib = done.stdout.split()
            last = (done.stderr.strip().splitlines() or [""])[-1]
            print(f"{suffix:<10} compressed {bomb.stat().st_size / 1e6:6.1f} MB -> {megabytes} MB; exit {status}; "
                  f"peak RSS {int(peak_kib) / 1024:.0f} MiB; stderr: {last}")


if __name__ == "__main__":
    main(*sys.argv[1:])
