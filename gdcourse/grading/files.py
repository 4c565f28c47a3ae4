"""Files the grader writes (atomically) and files it reads from places a submission could touch (warily)."""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import tempfile
from pathlib import Path

__all__ = ["write_atomically", "read_untrusted", "loads_untrusted", "UntrustedFile", "display_name", "spreadsheet_safe"]


def write_atomically(path: Path, text: str | bytes) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder: never half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)  # mkstemp's 0600 would make the CSV private to the grader
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())  # survives a reboot: the rename never points at an empty file
        os.replace(temporary, path)
        folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(folder)  # the rename itself survives a reboot
        finally:
            os.close(folder)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class UntrustedFile(ValueError):
    """A file that a submission could have made is not a small regular file; ``reason`` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def read_untrusted(path: Path | bytes | str, limit: int, dir_fd: int | None = None) -> bytes:
    """The bytes of ``path`` if it is a regular file (not a symlink, FIFO, device or folder) of at most
    ``limit`` bytes; else :class:`UntrustedFile`.  Never blocks: the file is opened non-blocking and
    checked before it is read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0), dir_fd=dir_fd)
    except OSError as error:
        if error.errno == errno.ELOOP:  # O_NOFOLLOW met a symbolic link
            raise UntrustedFile("a symbolic link") from None
        if os.path.isdir(path) if dir_fd is None else False:
            raise UntrustedFile("a folder") from None
        raise UntrustedFile(f"unreadable ({error.strerror})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UntrustedFile("a folder")
        if not stat.S_ISREG(info.st_mode):
            raise UntrustedFile("not a regular file")
        if info.st_size > limit:
            raise UntrustedFile(f"larger than {limit} bytes")
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # it grew while we read it
                raise UntrustedFile(f"larger than {limit} bytes")
        return b"".join(chunks)
    finally:
        os.close(fd)


_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(rb"[\[\]{}]")


def loads_untrusted(data: bytes, max_depth: int = 64):
    """``json.loads`` for data a submission could have written: nesting deeper than ``max_depth`` or
    anything that is not UTF-8 JSON raises :class:`UntrustedFile` before the parser recurses."""
    depth = deepest = 0
    for bracket in _BRACKETS.finditer(_STRINGS.sub(b"", data)):
        depth += 1 if bracket.group() in (b"[", b"{") else -1
        deepest = max(deepest, depth)
        if deepest > max_depth:
            raise UntrustedFile(f"nested more than {max_depth} levels deep")
    try:
        return json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as error:
        raise UntrustedFile(f"not JSON ({type(error).__name__})") from None


def display_name(raw: bytes) -> str:
    """A file name as text: undecodable bytes become ``\\xNN`` escapes and control characters ``\\uNNNN``."""
    text = raw.decode("utf-8", errors="backslashreplace")
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)


def spreadsheet_safe(value) -> str:
    """A CSV field that no spreadsheet reads as a formula (OWASP's advice: a leading quote)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
