"""The codebook: a label set described in one human-editable TOML file beside the labels.

Each frame has a name, a one-line definition, optional signal phrases, optional
examples and an optional colour; ``no_frame`` optionally names the label that
means "no frame" (what the keyword baseline falls back to). The codebook drives
label validation, the keyword-lexicon features and baseline, the labelling
screen, the colours of the figures and the report's definitions. A model keeps
the codebook it was trained with in its card (``card.extra["codebook"]``).

An old ``label_set.txt`` (one name per line) is still read, as a codebook with
names only; :attr:`Codebook.legacy` says so, so the command line can suggest
writing a ``codebook.toml``.
"""
from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CodebookError

CODEBOOK_FILE = "codebook.toml"
LEGACY_FILE = "label_set.txt"
# Okabe–Ito colour-blind-safe palette, in the order frames without a colour get them.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
# Labels with a meaning of their own in label files: not content, and (appended) withdraws
# earlier answers for the same sentence in the same file.
BOILERPLATE = "boilerplate"
UNDO = "undo"
RESERVED = (BOILERPLATE, UNDO)
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_NAME = re.compile(r"^[^\s,]+$")
_FRAME_KEYS = {"name", "definition", "signals", "examples", "colour"}
_TOP_KEYS = {"story", "no_frame", "frames"}


@dataclass(frozen=True)
class Frame:
    """One label of a codebook."""

    name: str
    definition: str = ""
    signals: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    colour: str = ""


@dataclass(frozen=True)
class Codebook:
    """Frames in order (the order of keys in the labelling screen and of columns in reports)."""

    frames: tuple[Frame, ...]
    no_frame: str | None = None
    story: str = ""
    source: str = ""
    legacy: bool = field(default=False, compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        """Frame names in codebook order."""
        return tuple(frame.name for frame in self.frames)

    @property
    def signals(self) -> dict[str, tuple[str, ...]]:
        """Signal phrases per frame, for the frames that have any (empty when none has)."""
        return {frame.name: frame.signals for frame in self.frames if frame.signals}

    @property
    def colours(self) -> dict[str, str]:
        """A colour per frame: the codebook's own, else the next unused Okabe–Ito colour."""
        return assign_colours(self.names, {f.name: f.colour for f in self.frames if f.colour})

    def frame(self, name: str) -> Frame | None:
        """The frame called ``name``, if there is one."""
        return next((frame for frame in self.frames if frame.name == name), None)

    def as_dict(self) -> dict:
        """JSON-ready form (what a model card keeps); colours are filled in."""
        colours = self.colours
        return {
            "story": self.story,
            "no_frame": self.no_frame,
            "source": self.source,
            "frames": [
                {"name": f.name, "definition": f.definition, "signals": list(f.signals),
                 "examples": list(f.examples), "colour": colours[f.name]}
                for f in self.frames
            ],
        }

    @classmethod
    def from_dict(cls, values: Mapping, source: str = "") -> Codebook:
        """Inverse of :meth:`as_dict`, validated (``source`` names the file in error messages)."""
        where = source or values.get("source") or "codebook"
        unknown = sorted(set(values) - _TOP_KEYS - {"source"})
        if unknown:
            raise CodebookError(f"{where}: unknown key '{unknown[0]}'; the top-level keys are story, no_frame "
                                "and [[frames]] tables")
        raw_frames = values.get("frames") or []
        if not isinstance(raw_frames, list):
            raise CodebookError(f"{where}: 'frames' must be a list of [[frames]] tables")
        frames = tuple(_frame(raw, where, number) for number, raw in enumerate(raw_frames, start=1))
        codebook = cls(frames=frames, no_frame=values.get("no_frame") or None, story=str(values.get("story") or ""),
                       source=str(values.get("source") or source))
        _validate(codebook, where)
        return codebook

    @classmethod
    def from_names(cls, names: Sequence[str], source: str = "", *, legacy: bool = False) -> Codebook:
        """A codebook with names only (a ``label_set.txt``, ``--label-set`` or an old model's labels)."""
        codebook = cls(frames=tuple(Frame(name) for name in names), source=source, legacy=legacy)
        _validate(codebook, source or "label set")
        return codebook


def assign_colours(names: Sequence[str], fixed: Mapping[str, str] | None = None) -> dict[str, str]:
    """``fixed`` colours where given; the others get unused Okabe–Ito colours in order."""
    fixed = dict(fixed or {})
    spare = [colour for colour in OKABE_ITO if colour not in fixed.values()] or list(OKABE_ITO)
    colours, next_spare = {}, 0
    for name in names:
        if fixed.get(name):
            colours[name] = fixed[name]
        else:
            colours[name] = spare[next_spare % len(spare)]
            next_spare += 1
    return colours


def read_codebook(path: str | Path) -> Codebook:
    """Read and validate a ``codebook.toml`` (or an old ``label_set.txt``)."""
    path = Path(path)
    try:
        text = path.read_text("utf-8-sig")
    except FileNotFoundError:
        raise CodebookError(f"{path}: no such codebook; write one with: framelens init DIR") from None
    except UnicodeDecodeError:
        raise CodebookError(f"{path}: not valid UTF-8; re-save it as UTF-8") from None
    except OSError as error:
        raise CodebookError(f"{path}: cannot read ({error.strerror}); check its permissions") from None
    if path.name == LEGACY_FILE or path.suffix == ".txt":
        names = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
        return Codebook.from_names(names, str(path), legacy=True)
    tomllib = _toml()
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CodebookError(f"{path}: not valid TOML ({error}); fix that line") from None
    return Codebook.from_dict(values, source=str(path))


def find_codebook(paths: Iterable[str | Path]) -> Codebook | None:
    """The codebook beside the first of ``paths`` (a file or directory) that has one.

    ``codebook.toml`` wins over an old ``label_set.txt`` in the same directory.
    """
    for raw in paths:
        path = Path(raw)
        directory = path if path.is_dir() else path.parent
        for name in (CODEBOOK_FILE, LEGACY_FILE):
            candidate = directory / name
            if candidate.is_file():
                return read_codebook(candidate)
    return None


def shipped_codebook() -> Codebook:
    """The codebook of the shipped Russia–Iran treaty model (package data)."""
    from importlib import resources

    resource = resources.files("framelens") / "data" / "labels" / CODEBOOK_FILE
    values = _toml().loads(resource.read_text("utf-8"))
    return Codebook.from_dict(values, source=f"framelens/data/labels/{CODEBOOK_FILE}")


def _toml():
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10: the same parser as the tomli package
        import tomli as tomllib
    return tomllib


def _frame(raw, where: str, number: int) -> Frame:
    if not isinstance(raw, dict):
        raise CodebookError(f"{where}: frame {number} is not a table; write it as [[frames]] with name = \"...\"")
    unknown = sorted(set(raw) - _FRAME_KEYS)
    if unknown:
        raise CodebookError(f"{where}: frame {number} has an unknown key '{unknown[0]}'; the keys are "
                            "name, definition, signals, examples, colour")
    name = str(raw.get("name") or "").strip()
    if not name:
        raise CodebookError(f"{where}: frame {number} has no name; add name = \"...\"")
    for key in ("signals", "examples"):
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise CodebookError(f"{where}: frame '{name}': {key} must be a list of strings, e.g. {key} = [\"...\"]")
    return Frame(
        name=name,
        definition=" ".join(str(raw.get("definition") or "").split()),
        signals=tuple(s.strip() for s in raw.get("signals", []) if s.strip()),
        examples=tuple(e.strip() for e in raw.get("examples", []) if e.strip()),
        colour=str(raw.get("colour") or "").strip(),
    )


def _validate(codebook: Codebook, where: str) -> None:
    names = codebook.names
    if len(names) < 2:
        raise CodebookError(f"{where}: only {len(names)} label(s) ({', '.join(names) or 'none'}); a label set "
                            "needs at least two")
    for frame in codebook.frames:
        if not _NAME.match(frame.name):
            suggestion = re.sub(r"[\s,]+", "-", frame.name)
            raise CodebookError(f"{where}: frame name '{frame.name}' has a space or comma; use e.g. '{suggestion}'")
        if frame.name in RESERVED:
            raise CodebookError(f"{where}: '{frame.name}' is reserved (the b key records boilerplate, undo withdraws "
                                "rows); choose another label name")
        if frame.colour and not _COLOUR.match(frame.colour):
            raise CodebookError(f"{where}: frame '{frame.name}': colour '{frame.colour}' is not #RRGGBB")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise CodebookError(f"{where}: frame '{repeated[0]}' is defined twice; keep one")
    if codebook.no_frame is not None and codebook.no_frame not in names:
        raise CodebookError(f"{where}: no_frame = '{codebook.no_frame}' is not one of the frames "
                            f"({', '.join(names)}); fix the name")
