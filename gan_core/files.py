"""Reading a file a user named (the CLI's image and weights paths): a regular file only, never more than a cap.

`Path.read_bytes()` reads before it checks: a 1 GiB file reached 1.37 GB of memory before it was refused,
`/dev/zero` grew without bound and a FIFO blocked forever. Here the path is `stat`ed first, opened without
blocking, checked again on the open descriptor (the path may have been swapped in between), and read up to
`cap + 1` bytes, so an oversized file is refused having cost at most that.
"""

import os
import stat
from collections.abc import Callable
from pathlib import Path

_KINDS = (
    (stat.S_ISDIR, "directory"),
    (stat.S_ISFIFO, "named pipe"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISSOCK, "socket"),
)


def file_kind(mode: int) -> str:
    """'regular file', or what else st_mode says the path is."""
    if stat.S_ISREG(mode):
        return "regular file"
    return next((name for test, name in _KINDS if test(mode)), "special file")


def read_untrusted_file(path: str | Path, cap: int, error: Callable[..., Exception]) -> bytes:
    """The bytes of the regular file at `path`, at most `cap` of them.

    Raises error("not_a_file", kind=...) for a directory, FIFO, device or socket, and
    error("too_large", size=..., limit=cap) for a file over `cap`; OSError (missing file, no permission) as is."""
    kind = file_kind(os.stat(path).st_mode)
    if kind != "regular file":
        raise error("not_a_file", kind=kind)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if file_kind(info.st_mode) != "regular file":
            raise error("not_a_file", kind=file_kind(info.st_mode))
        if info.st_size > cap:
            raise error("too_large", size=info.st_size, limit=cap)
        chunks, left = [], cap + 1  # + 1: a file that grew since fstat is still seen to be too large
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > cap:
        raise error("too_large", size=len(data), limit=cap)
    return data
