"""A hand-built report dict that follows the report spec, with hostile text in every place data can reach.

5 outlets, 3 frames, a zero-count cell, two phrases, monthly dates over four months with
March missing for every outlet, and outlet names / sentences that try HTML, script,
``javascript:`` links, mathtext and CSV formulas.
"""
from __future__ import annotations

FRAMES = ["counter-hegemony", "neutral-report", "western-concern"]
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
FORMULA = "=cmd|' /C calc'!A0"
MATH = "$\\foo$ Daily"
LINK = "[click](javascript:alert(1))"

OUTLETS = ["Sky News", SCRIPT, MATH, FORMULA, "Wire | Agency"]
# counts per outlet in FRAMES order; the <script> outlet has no counter-hegemony sentence (zero cell)
COUNTS = {
    "Sky News": [5, 10, 8],
    SCRIPT: [0, 12, 9],
    MATH: [14, 8, 3],
    FORMULA: [6, 6, 6],
    "Wire | Agency": [4, 20, 4],
}
ARTICLES = {"Sky News": 1, SCRIPT: 4, MATH: 3, FORMULA: 2, "Wire | Agency": 5}

SENTENCES = [
    f"The treaty was signed in Moscow. {SCRIPT}",
    f"Critics fear escalation {IMG} across the region.",
    f"Putin hailed the end of Western hegemony, see {LINK}.",
    "Officials said the treaty covers trade & energy > 20 years.",
    f"Tehran called it {MATH} a new chapter \u2028 free of pressure.",
    f"{FORMULA} analysts warned of a dangerous axis.",
    "</script><script>document.title='pwned'</script>",
]


def _share(count: int, total: int) -> dict:
    share = round(count / total, 4)
    return {"share": share, "low": round(max(0.0, share - 0.12), 4), "high": round(min(1.0, share + 0.12), 4)}


def _outlet_row(outlet: str) -> dict:
    counts = dict(zip(FRAMES, COUNTS[outlet], strict=True))
    total = sum(counts.values())
    few = ARTICLES[outlet] < 2
    return {
        "outlet": outlet,
        "articles": ARTICLES[outlet],
        "sentences": total,
        "few_articles": few,
        "note": "1 article: the interval resamples sentences within it and adds the classifier's error; no test"
        if few else None,
        "counts": counts,
        "raw_shares": {f: round(c / total, 4) for f, c in counts.items()},
        "shares": {f: _share(c, total) for f, c in counts.items()},
    }


def _browser_sentences() -> list[dict]:
    rows = []
    for i in range(40):
        outlet = OUTLETS[i % len(OUTLETS)]
        rows.append({"article_id": f"{outlet[:6]}-{i // 10}", "outlet": outlet, "sentence_index": i,
                     "text": SENTENCES[i % len(SENTENCES)], "label": FRAMES[i % 3],
                     "confidence": round(0.5 + (i % 5) / 10, 2), "date": "2025-01-15" if i % 2 else None})
    return rows


def _series(frame_index: int) -> dict:
    series = {}
    for o, outlet in enumerate(OUTLETS):
        values = []
        for p in range(4):
            if p == 2 or (o == 0 and p == 3):  # March is missing for everyone; Sky News also in April
                values.append(None)
                continue
            share = round(0.1 + 0.15 * ((o + p + frame_index) % 5), 4)
            enough = o != 4
            values.append({"share": share, "low": round(share - 0.08, 4) if enough else None,
                           "high": round(share + 0.08, 4) if enough else None,
                           "articles": 1 + (o + p) % 3, "sentences": 10 + o + p})
        series[outlet] = values
    return series


def sample_report() -> dict:
    """A fresh copy of the sample report (callers may mutate it)."""
    outlets = [_outlet_row(o) for o in OUTLETS]
    sentences = _browser_sentences()
    total_sentences = sum(r["sentences"] for r in outlets)
    return {
        "title": "Framing report",
        "framelens_version": "0.1.0",
        "random_state": 0,
        "bootstrap_samples": 2000,
        "interval_level": 0.95,
        "corpus": {"name": "seeds <b>", "articles": 15, "sentences": total_sentences, "outlets": 5},
        "frames": list(FRAMES),
        "codebook": {
            "counter-hegemony": {"definition": "The West's power is the problem; a multipolar world is the answer.",
                                 "signals": ["western hegemony", "multipolar world", "<b>unipolar</b>"],
                                 "color": "#0072B2"},
            "neutral-report": {"definition": "Who did what, when, where; no evaluation.",
                               "signals": ["signed", "said"], "color": "#999999"},
            "western-concern": {"definition": "The pact is a threat to be watched or countered.",
                                "signals": ["warned", "raises concerns"], "color": "#D55E00"},
        },
        "findings": [
            f"{MATH} uses the counter-hegemony frame most (56%, 95% interval 44% to 68%).",
            f"{SCRIPT} never uses the counter-hegemony frame in 21 sentences.",
            "The outlets differ (permutation test, p = 0.012, 15 articles).",
        ],
        "estimate": {"name": "calibrated share",
                     "why": "It averages calibrated probabilities, so it does not inherit the classifier's bias.",
                     "method": "The share is the mean calibrated probability of the frame over the outlet's "
                               "sentences; the 95% interval resamples articles 2000 times."},
        "model": {"macro_f1": 0.74, "macro_f1_sd": 0.09, "folds": 5,
                  "per_class_f1": {"counter-hegemony": 0.8, "neutral-report": 0.71, "western-concern": 0.7},
                  "label_counts": {"counter-hegemony": 120, "neutral-report": 180, "western-concern": 114},
                  "n_authored": 414, "warnings": [f"few training sentences from outlet {SCRIPT}"],
                  "calibration": {"temperature": 0.6, "brier": {"before": 0.31, "after": 0.27},
                                  "log_loss": {"before": 0.82, "after": 0.7}}},
        "outlets": outlets,
        "difference": {
            "test": {"method": "permutation test of the outlet × frame table, articles shuffled between outlets",
                     "statistic": 3.2, "p_value": 0.012, "permutations": 9999,
                     "outlets": [SCRIPT, MATH, FORMULA, "Wire | Agency"], "articles": 14},
            "note": "Sky News was left out: 1 article.",
            "pairwise": [{"outlets": [a, b], "statistic": round(1.0 + i / 3, 3), "p_value": round(0.001 * (i + 1), 4),
                          "p_adjusted": round(min(1.0, 0.006 * (i + 1)), 4), "articles": [ARTICLES[a], ARTICLES[b]]}
                         for i, (a, b) in enumerate((a, b) for n, a in enumerate(OUTLETS[1:], 1)
                                                    for b in OUTLETS[n + 1:])]
            + [{"outlets": ["Sky News", "Wire | Agency"], "statistic": 0.4, "p_value": 0.5, "p_adjusted": 1.0,
                "articles": [1, 5]}],
            "pairwise_total": 7,
        },
        "keyness": {
            MATH: [{"term": "western hegemony", "z": 3.1, "count": 3, "count_rest": 0},
                   {"term": "$x$ <i>multipolar</i>", "z": 2.4, "count": 2, "count_rest": 0},
                   {"term": "said", "z": -2.2, "count": 0, "count_rest": 9},
                   {"term": "the", "z": 0.5, "count": 9, "count_rest": 30}],
            "Sky News": [{"term": "treaty", "z": 1.0, "count": 2, "count_rest": 3}],
            SCRIPT: [{"term": "warned", "z": 2.0, "count": 4, "count_rest": 1}],
        },
        "keyness_threshold": 1.96,
        "model_terms": {"counter-hegemony": [{"term": "hegemony", "weight": 1.3}, {"term": "<u>multipolar</u>",
                                                                                    "weight": 1.1}],
                        "neutral-report": [{"term": "signed", "weight": 0.9}],
                        "western-concern": [{"term": "warned", "weight": 1.2}]},
        "exemplars": {
            "Sky News": {"western-concern": [{"text": SENTENCES[1], "article_id": "sky-1", "confidence": 0.81,
                                              "terms": ["warned", "dangerous axis"]}],
                         "counter-hegemony": [], "neutral-report": []},
            SCRIPT: {"neutral-report": [{"text": SENTENCES[0], "article_id": f"{SCRIPT}-1", "confidence": 0.77,
                                         "terms": ["signed", SCRIPT]}]},
        },
        "phrases": [
            {"phrase": "western hegemony",
             "outlets": [{"outlet": o, "count": 3 if o == MATH else 0, "words": 512, "per_1000_words":
                          5.86 if o == MATH else 0.0, "frames": {"counter-hegemony": 3 if o == MATH else 0,
                                                                 "neutral-report": 0, "western-concern": 0}}
                         for o in OUTLETS],
             "kwic": [{"outlet": MATH, "article_id": "m-1", "label": "counter-hegemony", "left": f"hailed {IMG} the end of",
                       "match": "Western hegemony", "right": f", see {LINK}."}],
             "kwic_total": 3},
            {"phrase": "<b>treaty</b>",
             "outlets": [{"outlet": o, "count": 1, "words": 100, "per_1000_words": 10.0,
                          "frames": {"counter-hegemony": 0, "neutral-report": 1, "western-concern": 0}}
                         for o in OUTLETS],
             "kwic": [], "kwic_total": 0},
        ],
        "time": {"granularity": "month", "message": None, "undated_articles": 2,
                 "periods": [{"label": "2025-01", "start": "2025-01-01"}, {"label": "2025-02", "start": "2025-02-01"},
                             {"label": "2025-03", "start": "2025-03-01"}, {"label": "2025-04", "start": "2025-04-01"}],
                 "series": {frame: _series(i) for i, frame in enumerate(FRAMES)}},
        "strips": {"total": 15, "shown": 6,
                   "articles": [{"article_id": f"{outlet}-{i}", "outlet": outlet,
                                 "frames": [FRAMES[(i + j) % 3] for j in range(4 + 3 * i)]}
                                for i, outlet in enumerate([*OUTLETS, "Sky News"])]},
        "browser": {"total": total_sentences, "shown": len(sentences), "sentences": sentences},
        "provenance": {"inputs": [{"name": "seeds/", "articles": 10}, {"name": f"{SCRIPT}.jsonl", "articles": 5}],
                       "articles": 15, "sentences": total_sentences, "predictions_sha256": "ab" * 32,
                       "model": {"directory": "model", "artifact_sha256": "0123456789abcdef" * 4,
                                 "training_data_sha256": "fe" * 32, "macro_f1": 0.74,
                                 "splitter": {"parameters": "shipped"}},
                       "framelens_version": "0.1.0", "command": f"framelens predict seeds/ --report report/ {SCRIPT}",
                       "date": "2026-11-22"},
        "notes": [f"outlet {IMG} has no content sentences; it is listed but not compared"],
    }
