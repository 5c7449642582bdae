"""Throughput and peak memory of framelens predict against the bare scikit-learn/nltk loop.

    python benchmarks/bench_predict.py [--sentences 200000] [--rows a,b,c,d]

Generates a corpus of N sentences from the seed articles' sentences (recombined
into 25-sentence articles, one JSONL file), then measures in one run:

  (a) the bare loop: nltk Punkt + pipeline.predict_proba over in-memory text, one process
  (b) framelens predict end to end (read, clean, split, classify, write JSONL), --jobs 1
  (c) the same with --jobs 2
  (d) the same with --engine dask on a 2-worker LocalCluster

Each row runs in its own process; peak RSS is the largest sum over the process and
all its descendants, read from /proc every 0.2 s. Ratios are sentences/s relative
to (a), whose time is the loop alone (no imports, no reading), while (b)-(d) are
timed end to end, start-up included. "CPU s" is user+system time of the row's
process tree (from getrusage), which other load on the machine does not inflate
as much as wall time; the load average is printed because the machine is shared.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SENTENCES_PER_ARTICLE = 25


def make_corpus(path: Path, n_sentences: int, seed: int = 0, *, sentences_per_article: int = SENTENCES_PER_ARTICLE,
                outlets: int = 0, months: int = 0) -> int:
    """Write seed-like articles holding n_sentences sentences in all; returns the article count.

    Sentences are drawn from the seed articles. With ``outlets`` the articles are
    spread over that many outlets (else each takes its first sentence's outlet);
    with ``months`` they get dates spread over that many months from 2025-01-01.
    """
    import datetime

    sys.path.insert(0, str(REPO))
    from framelens import read_corpus
    from framelens.sentences import article_sentences

    pool = [(s.outlet, s.text) for a in read_corpus(REPO / "seeds") for s in article_sentences(a)]
    rng = random.Random(seed)
    first_day = datetime.date(2025, 1, 1)
    articles = 0
    with open(path, "w", encoding="utf-8") as handle:
        remaining = n_sentences
        while remaining > 0:
            size = min(sentences_per_article, remaining)
            picked = [rng.choice(pool) for _ in range(size)]
            text = "\n".join(" ".join(t for _, t in picked[i:i + 3]) for i in range(0, size, 3))
            record = {"id": f"b{articles}", "outlet": picked[0][0], "text": text}
            if outlets:
                record["outlet"] = f"Outlet {rng.randrange(outlets):02d}"
            if months:
                record["date"] = (first_day + datetime.timedelta(days=rng.randrange(months * 365 // 12))).isoformat()
            handle.write(json.dumps(record) + "\n")
            remaining -= size
            articles += 1
    return articles


def bare_loop(corpus: Path, model_dir: Path) -> int:
    """Row (a): Punkt + predict_proba in one process over in-memory text; returns sentences."""
    import joblib
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    from framelens.sentences import load_parameters

    with open(corpus, encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle]
    start = time.perf_counter()
    tokenizer = PunktSentenceTokenizer(load_parameters())
    pipeline = joblib.load(model_dir / "framing.joblib")
    batch, total = [], 0
    for text in texts:
        batch.extend(tokenizer.tokenize(text))
        if len(batch) >= 2000:
            pipeline.predict_proba(batch)
            total += len(batch)
            batch = []
    if batch:
        pipeline.predict_proba(batch)
        total += len(batch)
    print(json.dumps({"sentences": total, "seconds": time.perf_counter() - start}))
    return total


def tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants, from /proc."""
    return sum(tree_rss_by_process(root).values())


def tree_rss_by_process(root: int) -> dict[int, int]:
    """Resident bytes of a process and of each of its descendants (pid → bytes), from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(name)
        children.setdefault(int(fields[1]), []).append(pid)  # fields[1]: ppid
        rss[pid] = int(fields[21]) * page  # fields[21]: rss in pages
    tree, stack = {}, [root]
    while stack:
        pid = stack.pop()
        tree[pid] = rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return tree


class PeakMemory:
    """Samples the RSS of a process tree every ``interval`` seconds in a thread; ``peak`` is the largest sum."""

    def __init__(self, pid: int, interval: float = 0.2):
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self._stop.wait(self.interval)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def measure(command: list[str], cwd: Path = REPO) -> tuple[float, int, float, str]:
    """Run a command; (wall seconds, peak RSS bytes of its process tree, CPU seconds of the tree, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)
    sampler = PeakMemory(process.pid)
    out, err = process.communicate()
    seconds = time.perf_counter() - start
    peak = sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if process.returncode != 0:
        raise SystemExit(f"benchmark row failed: {' '.join(command)}\n{err}")
    return seconds, peak, cpu, out


def load_average() -> str:
    """The 1-minute load average (other engineers share the machine)."""
    return f"{os.getloadavg()[0]:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=200_000)
    parser.add_argument("--rows", default="a,b,c,d", help="which rows to run (default: a,b,c,d)")
    parser.add_argument("--model", default=str(REPO / "model"))
    parser.add_argument("--bare", nargs=2, metavar=("CORPUS", "MODEL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare:
        bare_loop(Path(args.bare[0]), Path(args.bare[1]))
        return 0

    model_dir = Path(args.model)
    if not (model_dir / "card.json").is_file():
        subprocess.run([sys.executable, str(REPO / "train.py"), "--model", str(model_dir)], check=True, cwd=REPO)
    with tempfile.TemporaryDirectory(prefix="framelens-bench-") as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        articles = make_corpus(corpus, args.sentences)
        print(f"corpus: {args.sentences:,} sentences in {articles:,} articles ({corpus.stat().st_size / 1e6:.1f} MB)")
        predict = [sys.executable, str(REPO / "predict.py"), str(corpus), "--model", str(model_dir), "--quiet"]
        rows = {
            "a": ("bare loop: Punkt + predict_proba, 1 process",
                  [sys.executable, __file__, "--bare", str(corpus), str(model_dir)]),
            "b": ("framelens predict --jobs 1", [*predict, "--jobs", "1", "--out", str(Path(tmp) / "b.jsonl")]),
            "c": ("framelens predict --jobs 2", [*predict, "--jobs", "2", "--out", str(Path(tmp) / "c.jsonl")]),
            "d": ("framelens predict --engine dask (2 workers)",
                  [*predict, "--engine", "dask", "--jobs", "2", "--out", str(Path(tmp) / "d.jsonl")]),
        }
        results = {}
        print(f"load average before: {load_average()}")
        for key in args.rows.split(","):
            label, command = rows[key]
            seconds, peak, cpu, out = measure(command)
            if key == "a":
                inner = json.loads(out)
                print(f"  (a) with start-up and reading: {seconds:.1f}s", file=sys.stderr)
                seconds = inner["seconds"]  # the loop itself, not reading JSON or importing
            results[key] = (label, seconds, args.sentences / seconds, peak, cpu)
            print(f"  ({key}) done in {seconds:.1f}s (load average {load_average()})", file=sys.stderr)
        base = results["a"][2] if "a" in results else None
        print(f"{'row':<48} {'wall s':>7} {'sentences/s':>12} {'ratio to (a)':>13} {'peak RSS':>10} {'CPU s':>7}")
        for key, (label, seconds, rate, peak, cpu) in results.items():
            ratio = f"{rate / base:.2f}" if base else "-"
            print(f"({key}) {label:<44} {seconds:>7.1f} {rate:>12,.0f} {ratio:>13} {peak / 2**20:>7.0f} MB {cpu:>7.1f}")
        if "b" in results and "c" in results:
            print(f"(c)/(b) = {results['c'][2] / results['b'][2]:.2f}")
        print(f"load average after: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
