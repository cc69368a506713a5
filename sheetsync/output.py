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

from .errors import OutputError, OutputExistsError


def check_writable(path: Path | str, force: bool) -> Path:
    """Raise when ``path`` cannot take a file: it exists (without ``force``) or is a folder."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give the name of the file to write")
    if path.exists() and not force:
        raise OutputExistsError(f"{path} exists; use --force to overwrite it")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(f"cannot write {path}: {parent} is a file, not a folder")
            break
    return path


def output_folder(path: Path | str) -> Path:
    """Create the folder ``path`` (and its parents) for outputs; a file in the way is an error."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"{path} is a file; give a folder for the outputs") from None
    except OSError as exc:
        raise OutputError(f"cannot create the folder {path}: {exc.strerror or exc}") from None
    return path


@contextmanager
def atomic_path(path: Path | str, *, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is renamed over ``path``.

    On any exception the temporary file is removed and ``path`` is left as it was.
    """
    path = check_writable(path, force)
    output_folder(path.parent)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if not force and path.exists():
            raise OutputExistsError(f"{path} appeared while it was being written; use --force to overwrite it")
        publish(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def publish(tmp: Path, path: Path) -> None:
    """Move a finished temporary file onto ``path``, with the permissions of an ordinary file."""
    # mkstemp creates files readable by their owner only; a shared folder's users must open them.
    os.chmod(tmp, 0o666 & ~_umask())
    try:
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
