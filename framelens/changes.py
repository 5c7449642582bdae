"""What changed between two model cards: labels added per class, macro-F1 and per-class F1 before → after.

Both scores are each model's own grouped cross-validation on its own labels,
so the difference says whether the new labels helped as a whole, not a paired
test on the same sentences.
"""
from __future__ import annotations

from .model import ModelCard


def describe_change(previous: ModelCard, current: ModelCard) -> list[str]:
    """Lines comparing ``current`` with ``previous``."""
    labels = [*current.label_counts, *(label for label in previous.label_counts if label not in current.label_counts)]
    added = ", ".join(
        f"{label} {_signed(current.label_counts.get(label, 0) - previous.label_counts.get(label, 0), '+d')}"
        for label in labels
    )
    lines = [
        f"compared with the previous model (trained {previous.created}):",
        f"  sentences {previous.n_sentences} → {current.n_sentences} ({added})",
    ]
    before, after = previous.cv, current.cv
    if not before or not after:
        missing = " and ".join(name for name, cv in (("previous", before), ("new", after)) if not cv)
        lines.append(f"  macro-F1: no cross-validation for the {missing} model, nothing to compare")
        return lines
    lines.append(f"  macro-F1 {_change(before['macro_f1_mean'], after['macro_f1_mean'])}")
    width = max(len(label) for label in labels)
    for label in labels:
        old, new = (cv["per_class"].get(label, {}).get("f1") for cv in (before, after))
        lines.append(f"  {label:<{width}}  F1 {_change(old, new)}")
    return lines


def _change(old: float | None, new: float | None) -> str:
    if old is None or new is None:
        return f"{_score(old)} → {_score(new)}"
    return f"{old:.3f} → {new:.3f} ({_signed(new - old, '+.3f')})"


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _signed(value: float, spec: str) -> str:
    text = format(value, spec)
    return text.replace("-", "−") if value < 0 else text
