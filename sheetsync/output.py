"""Writing outputs safely: never over an existing file without ``force``, never half-written.

    >>> with atomic_path("summary.xlsx", force=False) as tmp:   # doctest: +SKIP
    ...     write_workbook(tmp)
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import OutputExistsError


def check_writable(path: Path | str, force: bool) -> Path:
    """Raise :class:`OutputExistsError` when ``path`` exists and ``force`` is false."""
    path = Path(path)
    if path.exists() and not force:
        raise OutputExistsError(f"{path} exists; use --force to overwrite it")
    return path


@contextmanager
def atomic_path(path: Path | str, *, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is renamed over ``path``.

    On any exception the temporary file is removed and ``path`` is left as it was.
    """
    path = check_writable(path, force)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if not force and path.exists():
            raise OutputExistsError(f"{path} appeared while it was being written; use --force to overwrite it")
        # mkstemp creates the file readable by its owner only; give it the permissions of a
        # file created the ordinary way, so a shared folder's users can open it.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
