"""Writing outputs safely: never over an existing file without ``force``, never half-written.

    >>> with atomic_path("summary.xlsx", force=False) as tmp:   # doctest: +SKIP
    ...     write_workbook(tmp)
"""

from __future__ import annotations

import os
import shutil
import tempfile
import traceback
import zipfile
from contextlib import contextmanager, suppress
from itertools import takewhile
from pathlib import Path
from typing import Iterator, Sequence

from .errors import OutputError, OutputExistsError, WriteError


def check_writable(path: Path | str, force: bool) -> Path:
    """Raise when ``path`` cannot take a file: it exists (without ``force``), is a folder, its
    folder (or the nearest that exists) is read-only, or it cannot be looked at (a name longer
    than the file system allows)."""
    path = Path(path)
    try:
        _check_place(path, force)
    except OSError as exc:
        raise write_error(path, exc) from None
    return path


def write_error(path: Path | str, exc: OSError) -> WriteError:
    """The error that reports ``exc``, raised by the system while writing ``path``."""
    return WriteError(path, exc.strerror or str(exc))


def check_folder(path: Path | str) -> Path:
    """Raise when files cannot be written into the folder ``path`` (made when they are): a file
    in the way, or it (or the nearest folder above that exists) may not be written in."""
    path = Path(path)
    try:
        _check_folders_above(path / "_")
    except OSError as exc:
        raise write_error(path, exc) from None
    return path


def _check_place(path: Path, force: bool) -> None:
    if path.is_dir():
        raise OutputError(f"{path} 是文件夹，请给出要写入的文件名。")
    if path.exists() and not force:
        raise OutputExistsError(f"{path} 已存在；如要覆盖，请加 --force。")
    _check_folders_above(path)


def _check_folders_above(path: Path) -> None:
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(f"无法写入 {path}：{parent} 是文件，不是文件夹。")
            if not os.access(parent, os.W_OK | os.X_OK):
                raise OutputError(f"无法写入 {path}：文件夹 {parent} 不能写入（只读，或没有权限）。")
            break


def check_workbook_name(path: Path | str) -> Path:
    """Raise unless ``path`` names an .xlsx: what we write is one, whatever the name says."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise OutputError(f"{path}：写出的工作簿是.xlsx格式，请给出以.xlsx结尾的文件名。")
    return path


def check_outputs(workbook: Path | str, inputs: list[str], *, files: Sequence[Path | str] = (),
                  roster: Path | str | None = None) -> None:
    """Raise before any work when the files one run writes would collide or replace an input:
    ``workbook`` must be named .xlsx, and it and ``files`` (every other file written) must all
    differ, none be the folder of another, and none be the ``roster`` or one of the files
    ``inputs`` name, but for a summary of ours found in a folder searched (an earlier run's,
    which the reader passes over)."""
    from .collect import expand_paths, real_path

    check_workbook_name(workbook)
    outputs = [Path(p) for p in (workbook, *files)]
    real = [Path(real_path(str(p))) for p in outputs]
    for index, (path, key) in enumerate(zip(outputs, real)):
        for other, other_key in zip(outputs[:index], real[:index]):
            if key == other_key:
                raise OutputError(f"{path} 被指定为两个输出，请给每个输出各起一个名字。")
            if key.is_relative_to(other_key) or other_key.is_relative_to(key):
                raise OutputError(f"{path} 和 {other} 是同一次运行的输出，一个会成为另一个的文件夹，请换个位置。")
    named = {real_path(os.fsdecode(p)) for p in inputs}
    input_files = {real_path(f) for f in expand_paths(inputs)}
    for path, key in zip(outputs, real):
        if roster is not None and str(key) == real_path(str(roster)):
            raise OutputError(f"{path} 是项目名单，请把输出写到别处。")
        if str(key) in input_files and (str(key) in named or not _our_summary(path)):
            raise OutputError(f"{path} 是要读取的文件之一，请把输出写到别处。")


def _our_summary(path: Path) -> bool:
    from .safety import inspect_file

    check = inspect_file(path)
    return check.issue is not None and check.issue.code == "own_summary"


def output_folder(path: Path | str) -> Path:
    """Create the folder ``path`` (and its parents) for outputs; a file in the way is an error."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"{path} 是文件，请给出存放输出的文件夹。") from None
    except OSError as exc:
        raise OutputError(f"无法创建文件夹 {path}：{exc.strerror or exc}。") from None
    return path


@contextmanager
def made_folder(path: Path | str) -> Iterator[Path]:
    """:func:`output_folder` for the block: the folders it made are removed again when the block
    fails, unless something was put in them meanwhile."""
    path = Path(path)
    absolute = Path(os.path.abspath(path))
    made = list(takewhile(lambda folder: not os.path.lexists(folder), (absolute, *absolute.parents)))
    try:
        output_folder(path)
        yield path
    except BaseException:
        for folder in made:
            with suppress(OSError):
                folder.rmdir()
        raise


@contextmanager
def staging_folder(out_dir: Path | str) -> Iterator[Path]:
    """A hidden temporary folder in ``out_dir`` (made if need be), in which a run's outputs are
    written whole before any of them is published into ``out_dir``; removed afterwards, and
    ``out_dir`` too when it was made for a run that failed."""
    with made_folder(out_dir) as folder:
        try:
            staging = Path(tempfile.mkdtemp(prefix=".sheetsync.", dir=folder))
        except OSError as exc:
            raise write_error(folder, exc) from None
        try:
            yield staging
        finally:
            shutil.rmtree(staging, ignore_errors=True)


@contextmanager
def staged_as(target: Path) -> Iterator[None]:
    """Report an error writing a staging file in the block under ``target``, the output it
    becomes: the user never asked for the staging folder."""
    try:
        yield
    except WriteError as exc:
        raise WriteError(target, exc.reason) from None
    except OSError as exc:
        raise write_error(target, exc) from None


@contextmanager
def atomic_path(path: Path | str, *, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is renamed over ``path``.

    On any exception the temporary file (and a journal SQLite kept beside it) is removed, and
    the folders made for it, and ``path`` is left as it was; an OSError while writing (a full
    disk) is a WriteError naming ``path``.
    """
    path = check_writable(path, force)
    with made_folder(path.parent):
        tmp = _file_beside(path)
        try:
            yield tmp
            if not force and path.exists():
                raise OutputExistsError(f"{path} 在写出期间被别的程序建立了；如要覆盖，请加 --force。")
            publish(tmp, path)
        except OSError as exc:
            _close_archives(exc, tmp)
            raise write_error(path, exc) from None
        finally:
            for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
                leftover.unlink(missing_ok=True)


def _file_beside(path: Path) -> Path:
    """A new empty file in ``path``'s folder, to be written and renamed over ``path``."""
    try:
        # A short name: the target's own may already be near the 255-byte limit of a name.
        fd, name = tempfile.mkstemp(prefix=".sheetsync.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise write_error(path, exc) from None
    os.close(fd)
    return Path(name)


def _close_archives(exc: BaseException, tmp: Path) -> None:
    """Close the zip files writing ``tmp`` left open in the frames ``exc`` went through."""
    # XlsxWriter and openpyxl leave their ZipFile open when a write fails (a full disk):
    # garbage collection would close it later, fail again and print that error after ours.
    for frame, _line in traceback.walk_tb(exc.__traceback__):
        for value in list(frame.f_locals.values()):
            if isinstance(value, zipfile.ZipFile) and value.filename == str(tmp):
                with suppress(OSError, ValueError):
                    value.close()


def publish(tmp: Path, path: Path) -> None:
    """Move a finished temporary file onto ``path``, with the permissions of an ordinary file."""
    # mkstemp creates files readable by their owner only; a shared folder's users must open them.
    os.chmod(tmp, 0o666 & ~_umask())
    try:
        os.replace(tmp, path)
    except OSError as exc:
        raise write_error(path, exc) from None


def publish_all(staged: Sequence[tuple[Path, Path]], force: bool) -> None:
    """Move each finished temporary file onto its output, all or none: when one cannot be put in
    place (on Windows, a file open in Excel), the outputs published before it are taken back and
    the files they replaced restored."""
    done: list[tuple[Path, Path | None]] = []  # each output published, and the file it replaced, kept aside
    try:
        for tmp, path in staged:
            check_writable(path, force)
            aside = _set_aside(path)
            done.append((path, aside))
            publish(tmp, path)
    except BaseException:
        for path, aside in reversed(done):
            with suppress(OSError):
                if aside is not None:
                    os.replace(aside, path)
                else:
                    path.unlink(missing_ok=True)
        raise
    for _path, aside in done:
        if aside is not None:
            with suppress(OSError):
                aside.unlink()


def _set_aside(path: Path) -> Path | None:
    """Move an existing ``path`` (replaced with --force) to a hidden name beside it, from which
    it can be put back; None when there is none."""
    if not os.path.lexists(path):
        return None
    aside = _file_beside(path)
    try:
        os.replace(path, aside)
    except OSError as exc:
        aside.unlink(missing_ok=True)
        raise write_error(path, exc) from None
    return aside


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
