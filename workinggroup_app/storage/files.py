"""Writing a file so that it is never seen half written: into a temporary file beside it,
then renamed over it in one step. A cancel or an error leaves the old file (or none)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def written_whole(
    path: str | os.PathLike[str], *, make_parents: bool = False, suffix: str = ".partial"
) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to. When the block ends it replaces
    ``path`` (one rename); when the block raises (a cancel included) it is removed."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if make_parents:
        folder.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=folder)
    except OSError as exc:  # name the file the user asked for, not the temporary one
        raise type(exc)(exc.errno, exc.strerror, str(target)) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
