"""Find and read corpus inputs: files, directories and stdin.

Formats: ``.txt`` (one article per file), ``.jsonl`` and ``.csv`` (one article
per record), each optionally gzip-compressed (``.gz``), and ``.html``/``.htm``
pages when the optional ``trafilatura`` extra is installed. ``-`` reads stdin
(JSON lines when it starts with ``{``, otherwise one plain-text article).

Outlet resolution, first hit wins: the record's own field, then an
``outlets.csv`` manifest beside the file, then an ``Original Source:`` line or
a URL domain in the text, then the file name.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator
from urllib.parse import urlparse

from .errors import InputError
from .schema import Article

TEXT_SUFFIXES = (".txt",)
RECORD_SUFFIXES = (".jsonl", ".csv")
HTML_SUFFIXES = (".html", ".htm")
SUPPORTED = TEXT_SUFFIXES + RECORD_SUFFIXES + HTML_SUFFIXES

# Media Cloud exports name their columns like this; recognised without options.
MEDIA_CLOUD_ALIASES = {
    "text": ("text", "story_text", "full_text", "content", "body"),
    "id": ("id", "stories_id", "story_id", "guid"),
    "outlet": ("outlet", "media_name", "media_url", "source", "publication"),
    "title": ("title", "headline"),
    "url": ("url", "link"),
    "date": ("date", "publish_date", "published", "publication_date"),
}

_SOURCE_LINE = re.compile(r"^\s*original source\s*:\s*(\S+)\s*$", re.IGNORECASE | re.MULTILINE)
_URL = re.compile(r"https?://([^/\s]+)", re.IGNORECASE)


@dataclass(frozen=True)
class FieldMap:
    """Column/field names of record inputs; ``None`` means "try the usual aliases"."""

    text: str | None = None
    id: str | None = None
    outlet: str | None = None
    title: str | None = None
    url: str | None = None
    date: str | None = None


def normalise_text(text: str) -> str:
    """NFKC-normalise and unify line endings, so equal text compares equal."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFKC", text)


def find_inputs(paths: Iterable[str | Path], manifest_name: str = "outlets.csv") -> list[Path | str]:
    """Expand files and directories into the ordered list of inputs to read.

    Directories are walked recursively in sorted order; ``-`` stays as is.
    Raises :class:`InputError` for a missing path or a directory with no inputs.
    """
    found: list[Path | str] = []
    for raw in paths:
        if str(raw) == "-":
            found.append("-")
            continue
        path = Path(raw)
        if path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not p.name.startswith(".")
                and _input_suffix(p) in SUPPORTED
                and p.name != manifest_name
            )
            if not inside:
                raise InputError(
                    f"{path}: directory has no .txt, .jsonl, .csv or .html files; "
                    "point at a directory of articles"
                )
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or directory; check the path")
    if not found:
        raise InputError("no input given; name files or directories of articles")
    return found


def read_corpus(
    paths: Iterable[str | Path],
    *,
    fields: FieldMap = FieldMap(),
    encoding: str = "utf-8",
    manifest_name: str = "outlets.csv",
    stdin: io.TextIOBase | None = None,
) -> Iterator[Article]:
    """Yield every article of the inputs, in input order.

    Raises :class:`InputError` (naming the file and the fix) for empty, binary
    or undecodable files and for record files without a text field.
    """
    manifests: dict[Path, dict[str, dict[str, str]]] = {}
    for item in find_inputs(paths, manifest_name):
        if item == "-":
            yield from _read_stdin(stdin or sys.stdin, fields)
            continue
        path = Path(item)
        directory = path.parent
        if directory not in manifests:
            manifests[directory] = read_manifest(directory / manifest_name)
        manifest = manifests[directory]
        suffix = _input_suffix(path)
        if suffix == ".txt":
            text = read_text_file(path, encoding)
            yield _text_article(path.name, _stem(path), text, manifest.get(path.name, {}), str(path))
        elif suffix == ".jsonl":
            yield from _records_to_articles(_jsonl_records(path, encoding), path, fields, manifest)
        elif suffix == ".csv":
            yield from _records_to_articles(_csv_records(path, encoding, fields), path, fields, manifest)
        elif suffix in HTML_SUFFIXES:
            html = read_text_file(path, encoding)
            text = extract_html_text(html, path)
            yield _text_article(path.name, _stem(path), text, manifest.get(path.name, {}), str(path))


def read_manifest(path: Path) -> dict[str, dict[str, str]]:
    """Read an ``outlets.csv`` manifest (``file,outlet[,url,date]``) if it exists."""
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "file" not in reader.fieldnames:
            raise InputError(f"{path}: a manifest needs a 'file' column (file,outlet,url,date)")
        return {row["file"]: {k: (v or "").strip() for k, v in row.items() if k} for row in reader}


def read_text_file(path: Path, encoding: str = "utf-8") -> str:
    """Read a whole text file (gzip allowed), refusing empty, binary and undecodable ones."""
    data = _read_bytes(path)
    return decode_bytes(data, str(path), encoding)


def decode_bytes(data: bytes, name: str, encoding: str = "utf-8") -> str:
    """Decode input bytes, with one-line errors that say how to fix them."""
    if not data.strip():
        raise InputError(f"{name}: file is empty; remove it or give it some text")
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file, not text; remove it from the input")
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        raise InputError(
            f"{name}: not valid {encoding} (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "re-save it as UTF-8 or pass --encoding cp1252 (or latin-1) for legacy files"
        ) from None
    except LookupError:
        raise InputError(f"unknown encoding '{encoding}'; use a Python codec name such as cp1252") from None
    return normalise_text(text)


def extract_html_text(html: str, path: Path) -> str:
    """Main text of an HTML page, via the optional ``trafilatura`` extra."""
    try:
        import trafilatura
    except ImportError:
        raise InputError(
            f"{path}: reading HTML needs the html extra; run: pip install 'framelens[html]'"
        ) from None
    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    if not text or not text.strip():
        raise InputError(f"{path}: no article text found in this HTML page; check it is an article")
    return normalise_text(text)


def outlet_from_text(text: str) -> str | None:
    """An outlet named by an ``Original Source:`` line or the first URL in the text."""
    match = _SOURCE_LINE.search(text)
    candidate = match.group(1) if match else None
    if candidate is None:
        url = _URL.search(text)
        candidate = url.group(0) if url else None
    if candidate is None:
        return None
    return domain_of(candidate)


def domain_of(url_or_domain: str) -> str:
    """``https://www.news.sky.com/x`` → ``news.sky.com``."""
    value = url_or_domain.strip()
    host = urlparse(value).netloc if "//" in value else value.split("/")[0]
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


# -- internals ---------------------------------------------------------------


def _input_suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        return suffixes[-2] if len(suffixes) > 1 else ""
    return suffixes[-1] if suffixes else ""


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".txt", ".jsonl", ".csv", ".html", ".htm"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name


def _read_bytes(path: Path) -> bytes:
    try:
        if path.suffix.lower() == ".gz":
            with gzip.open(path, "rb") as handle:
                return handle.read()
        return path.read_bytes()
    except (gzip.BadGzipFile, EOFError):
        raise InputError(f"{path}: not a valid gzip file; re-compress it or remove the .gz suffix") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror}); check its permissions") from None


def _text_article(file_name: str, article_id: str, text: str, meta: dict, source: str) -> Article:
    outlet = meta.get("outlet") or outlet_from_text(text) or article_id
    return Article(
        article_id=article_id,
        outlet=outlet,
        text=text,
        title=None,
        date=meta.get("date") or None,
        url=meta.get("url") or None,
        source_path=source,
    )


def _open_records(path: Path, encoding: str) -> io.TextIOBase:
    """A text stream over a record file, read lazily so huge files need little memory."""
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    try:
        raw = opener(path, "rb")
        head = raw.peek(8192)[:8192] if hasattr(raw, "peek") else b""
    except OSError as error:
        raise InputError(f"{path}: cannot read ({getattr(error, 'strerror', None) or error})") from None
    if not head.strip():
        raw.close()
        decode_bytes(b"", str(path))  # raises the "file is empty" error
    if b"\x00" in head:
        raw.close()
        raise InputError(f"{path}: looks like a binary file, not text; remove it from the input")
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        return io.TextIOWrapper(raw, encoding=codec, newline="")
    except LookupError:
        raw.close()
        raise InputError(f"unknown encoding '{encoding}'; use a Python codec name such as cp1252") from None


def _numbered_lines(path: Path, stream: io.TextIOBase, encoding: str) -> Iterator[tuple[int, str]]:
    number = 0
    try:
        for number, line in enumerate(stream, start=1):
            yield number, line
    except UnicodeDecodeError:
        raise InputError(
            f"{path}, near line {number + 1}: not valid {encoding}; "
            "re-save it as UTF-8 or pass --encoding cp1252 (or latin-1) for legacy files"
        ) from None
    except (gzip.BadGzipFile, EOFError):
        raise InputError(f"{path}: not a valid gzip file; re-compress it or remove the .gz suffix") from None


def _jsonl_records(path: Path, encoding: str) -> Iterator[tuple[int, dict]]:
    with _open_records(path, encoding) as stream:
        for number, line in _numbered_lines(path, stream, encoding):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise InputError(f"{path}, line {number}: not valid JSON ({error.msg}); fix or remove the line") from None
            if not isinstance(record, dict):
                raise InputError(f"{path}, line {number}: expected a JSON object per line")
            yield number, record


def _csv_records(path: Path, encoding: str, fields: FieldMap) -> Iterator[tuple[int, dict]]:
    with _open_records(path, encoding) as stream:
        lines = (line for _, line in _numbered_lines(path, stream, encoding))
        reader = csv.DictReader(lines)
        columns = reader.fieldnames or []
        if _pick(columns, "text", fields.text) is None:
            wanted = fields.text or "text"
            raise InputError(
                f"{path}: no '{wanted}' column (columns: {', '.join(columns) or 'none'}); "
                "name the text column with --text-column"
            )
        for number, row in enumerate(reader, start=2):
            yield number, row


def _pick(keys: Iterable[str], field: str, explicit: str | None) -> str | None:
    keys = list(keys)
    if explicit:
        return explicit if explicit in keys else None
    for alias in MEDIA_CLOUD_ALIASES[field]:
        if alias in keys:
            return alias
    return None


def _records_to_articles(
    records: Iterator[tuple[int, dict]], path: Path, fields: FieldMap, manifest: dict
) -> Iterator[Article]:
    meta = manifest.get(path.name, {})
    stem = _stem(path)
    text_key = None
    for number, record in records:
        if text_key is None:
            text_key = _pick(record.keys(), "text", fields.text)
            if text_key is None:
                wanted = fields.text or "text"
                raise InputError(
                    f"{path}, line {number}: no '{wanted}' field; name the text field with --text-column"
                )
        raw_text = record.get(text_key)
        if not isinstance(raw_text, str) or not raw_text.strip():
            continue  # a record without text has no sentences to frame
        text = normalise_text(raw_text)

        def get(field: str, explicit: str | None) -> str | None:
            key = _pick(record.keys(), field, explicit)
            value = record.get(key) if key else None
            return str(value).strip() or None if value is not None else None

        article_id = get("id", fields.id) or f"{stem}:{number}"
        url = get("url", fields.url) or meta.get("url") or None
        outlet = (
            get("outlet", fields.outlet)
            or meta.get("outlet")
            or outlet_from_text(text)
            or (domain_of(url) if url else None)
            or stem
        )
        yield Article(
            article_id=article_id,
            outlet=outlet,
            text=text,
            title=get("title", fields.title),
            date=get("date", fields.date) or meta.get("date") or None,
            url=url,
            source_path=str(path),
        )


def _read_stdin(stream, fields: FieldMap) -> Iterator[Article]:
    data = stream.buffer.read() if hasattr(stream, "buffer") else stream.read().encode("utf-8")
    text = decode_bytes(data, "<stdin>")
    if text.lstrip().startswith("{"):
        records = []
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                try:
                    records.append((number, json.loads(line)))
                except json.JSONDecodeError as error:
                    raise InputError(f"<stdin>, line {number}: not valid JSON ({error.msg})") from None
        yield from _records_to_articles(iter(records), Path("stdin"), fields, {})
    else:
        yield _text_article("stdin", "stdin", text, {}, "<stdin>")
