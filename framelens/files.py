"""Every file framelens writes goes through here: atomic, umask-respecting, and never over a non-file.

Like Git and SQLite, framelens refuses to clobber what it did not create as a
regular file: a symlink, FIFO, device, socket or directory at an output path
is refused (renaming a temp file over ``/dev/full`` would replace the device
node). New files get ``0o666 & ~umask`` (or the mode of the file they replace),
not ``mkstemp``'s 0600. Names that come from data become file names only
through :func:`slug`; CSV cells go through :func:`csv_safe` (OWASP's CSV
injection rule) and come back through :func:`csv_unsafe`.
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from .errors import OutputError

# Errors that mean "the storage is full or failing", not "you may not write here".
_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG)
# OWASP: a spreadsheet treats a cell beginning with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA = re.compile("'*[" + re.escape("".join(FORMULA_START)) + "]")
_FORMULA_OR_QUOTE = frozenset(FORMULA_START) | {"'"}


def current_umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _kind(mode: int) -> str | None:
    """What a non-regular file is, or ``None`` for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def check_regular_target(path: str | Path) -> int | None:
    """Refuse an output path that exists and is not a regular file; the existing file's mode, if any."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise OutputError(f"{path}: cannot write ({error.strerror}); choose another path") from None
    kind = _kind(info.st_mode)
    if kind is not None:
        raise OutputError(
            f"{path}: is a {kind}, not a regular file; framelens does not replace it; choose another path"
        )
    return stat.S_IMODE(info.st_mode)


def write_error(path: str | Path, error: OSError, option: str = "--out") -> OutputError:
    """The one-line error for a failed write to ``path`` (``option`` names where to choose another)."""
    reason = error.strerror or type(error).__name__
    if error.errno in _FULL:
        return OutputError(f"{path}: cannot write ({reason}); free space or choose another {option}")
    return OutputError(f"{path}: cannot write here ({reason}); choose a writable {option} path")


class AtomicWriter:
    """A temp file beside ``path`` that replaces it on :meth:`commit`; see :func:`atomic_writer`."""

    def __init__(self, path: str | Path, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = "",
                 option: str = "--out", make_parents: bool = False):
        self.path = Path(path)
        self.option = option
        existing_mode = check_regular_target(self.path)
        self._mode = existing_mode if existing_mode is not None else 0o666 & ~current_umask()
        directory = self.path.parent
        try:
            if make_parents:
                directory.mkdir(parents=True, exist_ok=True)
            fd, self.temp_path = tempfile.mkstemp(dir=directory, prefix=f".{self.path.name}.", suffix=".part")
        except OSError as error:
            raise write_error(self.path, error, self.option) from None
        binary = "b" in mode
        try:
            os.fchmod(fd, self._mode)
            self.handle: IO[Any] = (os.fdopen(fd, "wb") if binary
                                    else os.fdopen(fd, "w", encoding=encoding, newline=newline))
        except BaseException:
            os.close(fd)
            os.unlink(self.temp_path)
            raise
        self.done = False

    def write(self, data: Any) -> int:
        """Write to the temp file; disk full becomes :class:`OutputError`."""
        try:
            return self.handle.write(data)
        except OSError as error:
            self.abort()
            raise write_error(self.path, error, self.option) from None

    def flush(self) -> None:
        """Flush the temp file."""
        try:
            self.handle.flush()
        except OSError as error:
            self.abort()
            raise write_error(self.path, error, self.option) from None

    def commit(self) -> None:
        """Sync the temp file and rename it over ``path`` (keeps what was written so far)."""
        if self.done:
            return
        try:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()
            check_regular_target(self.path)  # something may have appeared there meanwhile
            os.replace(self.temp_path, self.path)
        except OSError as error:
            self.abort()
            raise write_error(self.path, error, self.option) from None
        except BaseException:
            self.abort()
            raise
        self.done = True

    def abort(self) -> None:
        """Remove the temp file; ``path`` is left as it was."""
        if self.done:
            return
        self.done = True
        with contextlib.suppress(OSError):
            self.handle.close()
        with contextlib.suppress(OSError):
            os.unlink(self.temp_path)

    def __enter__(self) -> AtomicWriter:  # not typing.Self: Python 3.10 has none
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()


def atomic_writer(path: str | Path, mode: str = "w", encoding: str | None = "utf-8",
                  newline: str | None = "", option: str = "--out") -> AtomicWriter:
    """A streaming writer: use as a context manager (commit on success, remove the temp file on error).

    ``.commit()`` inside the block keeps what was written, e.g. after Ctrl-C.
    ``option`` names, in error messages, the option that chooses another path.
    """
    return AtomicWriter(path, mode, encoding, newline, option)


def atomic_write_bytes(path: str | Path, data: bytes, option: str = "--out") -> None:
    """Replace ``path`` with ``data`` through a synced temp file in the same directory."""
    with AtomicWriter(path, "wb", option=option, make_parents=True) as writer:
        writer.write(data)


def atomic_write_text(path: str | Path, text: str, option: str = "--out") -> None:
    """Text version of :func:`atomic_write_bytes` (UTF-8, newlines as given)."""
    atomic_write_bytes(path, text.encode("utf-8"), option)


@contextlib.contextmanager
def atomic_directory(target: str | Path, *, marker: str | None = None) -> Iterator[Path]:
    """Yield a fresh staging directory beside ``target``; on success it replaces ``target`` whole.

    On error the staging directory is removed and ``target`` is untouched. A
    ``target`` that is a symlink or not a directory is refused, and so is a
    non-empty directory without ``marker`` in it (so ``--out .`` or a directory
    of the user's own files is never swapped away).
    """
    target = Path(target)
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    if info is not None:
        kind = _kind(info.st_mode)
        if kind != "directory":
            raise OutputError(
                f"{target}: is a {kind or 'regular file'}, not a directory; framelens does not replace it; "
                "choose another path"
            )
        if marker is not None and any(target.iterdir()) and not (target / marker).is_file():
            raise OutputError(
                f"{target}: is a directory framelens did not write (no {marker}); framelens replaces its output "
                "directory whole, so choose a new or empty directory"
            )
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}.staging-"))
        os.chmod(staging, 0o777 & ~current_umask())
    except OSError as error:
        raise write_error(target, error) from None
    try:
        yield staging
        if info is None:
            os.rename(staging, target)
        else:
            aside = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}.old-"))
            os.rename(target, aside / "old")
            os.rename(staging, target)
            shutil.rmtree(aside, ignore_errors=True)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise write_error(target, error) from None
    except OutputError as error:
        shutil.rmtree(staging, ignore_errors=True)
        # Name the file the user asked for, not the staging directory it was written in.
        raise OutputError(str(error).replace(str(staging), str(target))) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def check_not_input(out_path: str | Path | None, input_paths: Iterable[str | Path]) -> None:
    """Refuse an output that is one of the inputs or lies inside an input directory."""
    if out_path is None or str(out_path) == "-":
        return
    out = Path(out_path).resolve()
    for raw in input_paths:
        if str(raw) == "-":
            continue
        source = Path(raw).resolve()
        if out == source:
            raise OutputError(f"{out_path}: is one of the inputs; write the output elsewhere")
        if source.is_dir() and out.is_relative_to(source):
            raise OutputError(f"{out_path}: is inside input directory {raw}; write the output elsewhere")


_NOT_SAFE = re.compile(r"[^a-z0-9]+")


def slug(text: str, index: int) -> str:
    """A safe file-name component for ``text``: lower-case ASCII letters, digits and ``-`` (max 40), then ``-index``.

    Accents are folded (``Ñandú`` → ``nandu``); the index keeps names distinct when two
    texts slug alike (``pro/anti`` and ``pro-anti``).
    """
    import unicodedata

    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    base = _NOT_SAFE.sub("-", folded).strip("-")[:40].strip("-") or "x"
    return f"{base}-{index}"


def csv_safe(cell: Any) -> Any:
    """A cell a spreadsheet shows as text: a leading ``'`` before = + - @ tab or CR (OWASP).

    Text that already starts with quotes before such a character gets one more,
    so :func:`csv_unsafe` gives back exactly the original.
    """
    # Most cells start with a letter: a one-character check before the pattern.
    if isinstance(cell, str) and cell[:1] in _FORMULA_OR_QUOTE and _FORMULA.match(cell):
        return "'" + cell
    return cell


def csv_unsafe(cell: str) -> str:
    """Inverse of :func:`csv_safe`: drop the one ``'`` it put before a formula character."""
    if cell.startswith("'") and _FORMULA.match(cell[1:]):
        return cell[1:]
    return cell


def csv_safe_row(row: Iterable[Any]) -> list[Any]:
    """:func:`csv_safe` of every cell."""
    return [csv_safe(cell) for cell in row]
