"""A tqdm progress bar on stderr for long runs: only when stderr is a terminal and not ``--quiet``.

When every input is a regular file the bar counts bytes of the input files,
with a total and an ETA, advanced as articles are read; otherwise (stdin, a
FIFO) it counts articles without a total.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from ..config import DEFAULT_CONFIG

if TYPE_CHECKING:
    from ..schema import Article

_PROC_FD = Path("/proc/self/fd")


def input_bytes(paths: Iterable[str | Path], manifest_name: str) -> dict[str, int] | None:
    """Size of each input file (by real path, in reading order), or ``None`` when some input is not a regular file."""
    from ..corpus import find_inputs

    sizes: dict[str, int] = {}
    for item in find_inputs(paths, manifest_name):
        if item == "-" or not Path(item).is_file():
            return None
        sizes[os.path.realpath(item)] = Path(item).stat().st_size
    return sizes


class FilePosition:
    """Bytes of the inputs read so far: whole files already passed, plus the offset in the current one.

    The offset is that of this process's open descriptor on the file (Linux
    ``/proc/self/fdinfo``), so it follows the reader without the reader
    reporting anything; elsewhere it counts whole files.
    """

    def __init__(self, sizes: dict[str, int]):
        self.sizes = sizes
        self.total = sum(sizes.values())
        self._before: dict[str, int] = {}
        done = 0
        for path, size in sizes.items():
            self._before[path] = done
            done += size
        self._fds: dict[str, int] = {}

    def of(self, article: Article) -> int:
        """Bytes read once ``article`` has been read."""
        path = os.path.realpath(article.source_path) if article.source_path else None
        if path is None or path not in self._before:
            return 0
        return self._before[path] + min(self._offset(path), self.sizes[path])

    def _offset(self, path: str) -> int:
        fd = self._fds.get(path)
        if fd is None or _fd_target(fd) != path:
            fd = self._find_fd(path)
        if fd is None:  # closed already (read whole) or no /proc: the file is done
            return self.sizes[path]
        try:
            with open(f"/proc/self/fdinfo/{fd}", encoding="ascii") as info:
                return int(info.readline().split()[1])  # "pos:\t<offset>"
        except (OSError, ValueError, IndexError):
            return self.sizes[path]

    def _find_fd(self, path: str) -> int | None:
        try:
            names = os.listdir(_PROC_FD)
        except OSError:
            return None
        for name in names:
            if _fd_target(int(name)) == path:
                self._fds[path] = int(name)
                return int(name)
        return None


def _fd_target(fd: int) -> str | None:
    try:
        return os.readlink(_PROC_FD / str(fd))
    except OSError:
        return None


class Progress:
    """The bar of one command run; a no-op when disabled or when the stream is not a terminal."""

    def __init__(self, paths: Iterable[str | Path], *, enabled: bool = True, stream: IO[str] | None = None,
                 manifest_name: str = DEFAULT_CONFIG.manifest_name):
        stream = stream if stream is not None else sys.stderr
        self.active = enabled and stream.isatty()
        self.position: FilePosition | None = None
        self.articles = 0
        self.sentences = 0
        self._bar = None
        if not self.active:
            return
        from tqdm import tqdm

        sizes = input_bytes(paths, manifest_name)
        if sizes is not None:
            self.position = FilePosition(sizes)
            self._bar = tqdm(total=self.position.total, unit="B", unit_scale=True, unit_divisor=1024,
                             file=stream, dynamic_ncols=True, desc="reading")
        else:
            self._bar = tqdm(unit=" articles", file=stream, dynamic_ncols=True, desc="reading")

    def track(self, articles: Iterable[Article]) -> Iterator[Article]:
        """Pass articles through, advancing the bar as each is read."""
        if self._bar is None:
            yield from articles
            return
        for article in articles:
            self.articles += 1
            if self.position is not None:
                self._bar.update(self.position.of(article) - self._bar.n)
            else:
                self._bar.update(1)
            yield article
        if self.position is not None:  # every input read to the end
            self._bar.update(self.position.total - self._bar.n)

    def classified(self, sentences: int) -> None:
        """Count sentences that came back classified (shown beside the bar)."""
        self.sentences += sentences
        if self._bar is not None:
            self._bar.set_postfix_str(f"{self.sentences:,} sentences classified", refresh=False)

    def close(self) -> None:
        """Finish the bar (full when every input was read)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
