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

import contextlib
import csv
import gzip
import io
import json
import re
import sys
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlparse

from .config import DEFAULT_CONFIG, Config
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


def find_inputs(paths: Iterable[str | Path], manifest_name: str = DEFAULT_CONFIG.manifest_name) -> list[Path | str]:
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
    fields: FieldMap | None = None,
    encoding: str | None = None,
    manifest_name: str | None = None,
    stdin: IO | None = None,
    config: Config = DEFAULT_CONFIG,
    on_warning: Callable[[str], None] | None = None,
) -> Iterator[Article]:
    """Yield every article of the inputs, in input order.

    Raises :class:`InputError` (naming the file and the fix) for empty, binary
    or undecodable files, for record files without a text field and for a file
    over ``config.max_input_bytes``. An article over ``config.max_article_chars``
    (or with a paragraph over ``config.max_paragraph_chars``) is skipped and
    ``on_warning`` gets a one-line message naming it. ``encoding`` and ``manifest_name``
    default to ``config.encoding`` and ``config.manifest_name``.
    """
    encoding = encoding or config.encoding
    manifest_name = manifest_name or config.manifest_name
    reader = _Reader(fields or FieldMap(), encoding, config, on_warning or (lambda message: None))
    manifests: dict[Path, dict[str, dict[str, str]]] = {}
    for item in find_inputs(paths, manifest_name):
        if item == "-":
            yield from reader.stdin(stdin or sys.stdin)
            continue
        path = Path(item)
        directory = path.parent
        if directory not in manifests:
            manifests[directory] = read_manifest(directory / manifest_name)
        yield from reader.file(path, manifests[directory])


def read_manifest(path: Path) -> dict[str, dict[str, str]]:
    """Read an ``outlets.csv`` manifest (``file,outlet[,url,date]``) if it exists."""
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "file" not in reader.fieldnames:
            raise InputError(f"{path}: a manifest needs a 'file' column (file,outlet,url,date)")
        return {row["file"]: {k: (v or "").strip() for k, v in row.items() if k} for row in reader}


def decode_bytes(data: bytes, name: str, encoding: str) -> str:
    """Decode input bytes, with one-line errors that say how to fix them."""
    _check_head(data[:8192], name, encoding)
    try:
        text = data.decode(_codec(encoding))
    except UnicodeDecodeError as error:
        raise InputError(
            f"{name}: not valid {encoding} (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "re-save it as UTF-8 or pass --encoding cp1252 (or latin-1) for legacy files"
        ) from None
    if not text.strip():
        raise InputError(f"{name}: file is empty; remove it or give it some text")
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
    return host.removeprefix("www.")


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


def _text_article(article_id: str, text: str, meta: dict, source: str) -> Article:
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


def _pick(keys: Iterable[str], field: str, explicit: str | None) -> str | None:
    keys = list(keys)
    if explicit:
        return explicit if explicit in keys else None
    for alias in MEDIA_CLOUD_ALIASES[field]:
        if alias in keys:
            return alias
    return None


def _records_to_articles(
    records: Iterable[tuple[int, dict]], name: str, stem: str, fields: FieldMap, meta: dict
) -> Iterator[Article]:
    path = name
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

        def get(field: str, explicit: str | None, record: dict = record) -> str | None:
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
            source_path=name,
        )




# -- bounded reading ---------------------------------------------------------------

# Byte-order marks of encodings whose text is full of NUL bytes.
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A JSON line may escape every character as \uXXXX, plus the other fields.
_JSON_ESCAPE = 6
_JSON_FIELDS = 1 << 16


def _codec(encoding: str) -> str:
    return "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding


def _is_wide(encoding: str) -> bool:
    return encoding.lower().replace("_", "-").startswith(("utf-16", "utf16", "utf-32", "utf32"))


def _check_head(head: bytes, name: str, encoding: str) -> None:
    """Refuse empty and binary input from its first bytes (UTF-16/32 text is not binary)."""
    try:
        "".encode(encoding)
    except LookupError:
        raise InputError(f"unknown encoding '{encoding}'; use a Python codec name such as cp1252") from None
    if not head.strip():
        raise InputError(f"{name}: file is empty; remove it or give it some text")
    if _is_wide(encoding):
        return
    if head.startswith(_WIDE_BOMS):
        raise InputError(f"{name}: looks like UTF-16 text (byte-order mark); pass --encoding utf-16")
    if b"\x00" in head:
        raise InputError(f"{name}: looks like a binary file, not text; remove it from the input")


def _byte_cap(config: Config) -> int:
    """Bytes that can hold ``max_article_chars`` characters in any encoding (4 per character, plus a BOM)."""
    return 4 * config.max_article_chars + 4


def _too_long_message(name: str, config: Config) -> str:
    return (f"{name}: skipped: longer than {config.max_article_chars} characters; "
            "raise --max-article-chars if it is a real article")


class _Limited(io.RawIOBase):
    """A binary stream that refuses to give more than ``limit`` bytes (after decompression)."""

    def __init__(self, raw, limit: int, name: str):
        self._raw = raw
        self._limit = limit
        self._name = name
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self._raw.readinto(buffer) or 0
        self.total += count
        if self.total > self._limit:
            raise InputError(
                f"{self._name}: more than {self._limit} bytes (after decompression); "
                "raise --max-input-bytes if it is a real corpus"
            )
        return count

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._raw.close()
        super().close()


def _open_binary(path: Path, config: Config) -> io.BufferedReader:
    try:  # closed by the returned reader
        raw = gzip.open(path, "rb") if path.suffix.lower() == ".gz" else open(path, "rb", buffering=0)  # noqa: SIM115
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror}); check its permissions") from None
    return io.BufferedReader(_Limited(raw, config.max_input_bytes, str(path)), buffer_size=1 << 16)


@contextlib.contextmanager
def _reading(name: str, encoding: str, line: Callable[[], int] | None = None) -> Iterator[None]:
    """Turn errors met while reading ``name`` into one-line :class:`InputError`."""
    try:
        yield
    except (gzip.BadGzipFile, EOFError, zlib.error):
        raise InputError(
            f"{name}: not a valid gzip file (corrupt or cut short); re-compress it or remove the .gz suffix") from None
    except UnicodeDecodeError:
        where = f", near line {line() + 1}" if line else ""
        raise InputError(
            f"{name}{where}: not valid {encoding}; "
            "re-save it as UTF-8 or pass --encoding cp1252 (or latin-1) for legacy files"
        ) from None
    except OSError as error:
        raise InputError(f"{name}: cannot read ({error.strerror or error}); check its permissions") from None


def _bounded_lines(stream: IO[str], cap: int) -> Iterator[str | None]:
    """Lines of at most ``cap`` characters; ``None`` for a longer line, which is read past, not kept."""
    while True:
        line = stream.readline(cap + 1)
        if not line:
            return
        if len(line) > cap and not line.endswith(("\n", "\r")):
            while line and not line.endswith(("\n", "\r")):
                line = stream.readline(cap + 1)
            yield None
        else:
            yield line


class _Reader:
    """Reads inputs into articles within the limits of ``config``, warning about what it skips."""

    def __init__(self, fields: FieldMap, encoding: str, config: Config, warn: Callable[[str], None]):
        self.fields = fields
        self.encoding = encoding
        self.config = config
        self.warn = warn

    def file(self, path: Path, manifest: dict) -> Iterator[Article]:
        suffix = _input_suffix(path)
        meta = manifest.get(path.name, {})
        with _open_binary(path, self.config) as stream:
            if suffix in (".txt", *HTML_SUFFIXES):
                text = self._whole_text(stream, str(path))
                if text is not None and suffix in HTML_SUFFIXES:
                    text = extract_html_text(text, path)
                if text is not None:
                    yield from self._checked([_text_article(_stem(path), text, meta, str(path))])
            elif suffix == ".jsonl":
                records = self._jsonl_records(stream, str(path))
                yield from self._checked(_records_to_articles(records, str(path), _stem(path), self.fields, meta))
            elif suffix == ".csv":
                records = self._csv_records(stream, str(path))
                yield from self._checked(_records_to_articles(records, str(path), _stem(path), self.fields, meta))

    def stdin(self, stream) -> Iterator[Article]:
        binary = stream.buffer if hasattr(stream, "buffer") else io.BytesIO(stream.read().encode("utf-8"))
        buffered = io.BufferedReader(_Limited(binary, self.config.max_input_bytes, "<stdin>"), buffer_size=1 << 16)
        with _reading("<stdin>", self.encoding):
            head = buffered.peek(8192)[:8192]
        if head.lstrip().startswith(b"{"):
            records = self._jsonl_records(buffered, "<stdin>")
            yield from self._checked(_records_to_articles(records, "<stdin>", "stdin", self.fields, {}))
        else:
            text = self._whole_text(buffered, "<stdin>")
            if text is not None:
                yield from self._checked([_text_article("stdin", text, {}, "<stdin>")])

    def _whole_text(self, stream: IO[bytes], name: str) -> str | None:
        cap = _byte_cap(self.config)
        with _reading(name, self.encoding):
            data = stream.read(cap + 1)
        if len(data) > cap:
            self.warn(_too_long_message(name, self.config))
            return None
        return decode_bytes(data, name, self.encoding)

    def _text_stream(self, stream: io.BufferedReader[Any], name: str) -> io.TextIOWrapper:
        with _reading(name, self.encoding):
            _check_head(stream.peek(8192)[:8192], name, self.encoding)
        return io.TextIOWrapper(stream, encoding=_codec(self.encoding), newline="")

    def _jsonl_records(self, stream: io.BufferedReader[Any], name: str) -> Iterator[tuple[int, dict]]:
        text = self._text_stream(stream, name)
        cap = _JSON_ESCAPE * self.config.max_article_chars + _JSON_FIELDS
        number = 0
        with _reading(name, self.encoding, lambda: number):
            for number, line in enumerate(_bounded_lines(text, cap), start=1):
                if line is None:
                    self.warn(_too_long_message(f"{name}, line {number}", self.config))
                    continue
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as error:
                    raise InputError(
                        f"{name}, line {number}: not valid JSON ({error.msg}); fix or remove the line") from None
                if not isinstance(record, dict):
                    raise InputError(f"{name}, line {number}: expected a JSON object per line, not a JSON "
                                     f"{type(record).__name__}; fix or remove the line")
                yield number, record

    def _csv_records(self, stream: io.BufferedReader[Any], name: str) -> Iterator[tuple[int, dict]]:
        text = self._text_stream(stream, name)
        limit = self.config.max_article_chars
        previous_limit = csv.field_size_limit()
        csv.field_size_limit(max(limit, previous_limit))
        number = 1

        def lines() -> Iterator[str]:
            for line in _bounded_lines(text, limit + _JSON_FIELDS):
                if line is None:
                    raise csv.Error("field larger than field limit")
                yield line

        try:
            with _reading(name, self.encoding, lambda: number):
                reader = csv.DictReader(lines())
                columns = reader.fieldnames or []
                if _pick(columns, "text", self.fields.text) is None:
                    wanted = self.fields.text or "text"
                    raise InputError(
                        f"{name}: no '{wanted}' column (columns: {', '.join(columns) or 'none'}); "
                        "name the text column with --text-column"
                    )
                for number, row in enumerate(reader, start=2):
                    yield number, row
        except csv.Error as error:
            if "field limit" in str(error):
                raise InputError(f"{name}, row {number + 1}: a field is longer than {limit} characters; "
                                 "raise --max-article-chars if it is a real article") from None
            raise InputError(f"{name}, row {number + 1}: not a readable CSV ({error}); fix the row") from None
        finally:
            csv.field_size_limit(previous_limit)

    def _checked(self, articles: Iterable[Article]) -> Iterator[Article]:
        """Articles within the length limits; the others are skipped with a warning."""
        for article in articles:
            name = article.source_path or article.article_id
            if article.source_path and article.article_id != _stem(Path(article.source_path)):
                name = f"{article.source_path} (article {article.article_id})"
            if len(article.text) > self.config.max_article_chars:
                self.warn(_too_long_message(name, self.config))
            elif len(article.text) > self.config.max_paragraph_chars and _longest_paragraph(
                    article.text) > self.config.max_paragraph_chars:
                self.warn(f"{name}: skipped: a paragraph longer than {self.config.max_paragraph_chars} characters; "
                          "raise --max-paragraph-chars if it is real text")
            else:
                yield article


def _longest_paragraph(text: str) -> int:
    """Length of the longest block the sentence splitter would get."""
    from .sentences import text_blocks

    return max((len(block) for block in text_blocks(text)), default=0)
