"""Reading many workbooks, in one process or several, into one :class:`Collection`.

    >>> result = collect(["收回/"], jobs=2)                        # doctest: +SKIP
    >>> result.file_count, len(result.projects), len(result.issues)  # doctest: +SKIP
    (212, 3392, 41)

Folders are searched recursively. Results come back in the order of :func:`expand_paths`
whatever the number of worker processes, so ``jobs=4`` gives the same tables as ``jobs=1``;
the other files found in the folders (a PDF, a zip of forms) follow as notes, and so do our own
feedback copies put back among the files, unchanged, which are left out.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from dataclasses import dataclass
import os
from pathlib import Path
from typing import Callable, Generator, Iterable, Iterator, Sequence

from .errors import InputError
from .feedback_marks import feedback_copies, without_unchanged_copies
from .headers import load_headers
from .issues import ERROR, issue
from .deleted_sheets import sent_elsewhere
from .model import Collection, TableRows, Tables
from .reader import read_file
from .safety import WORKBOOK_SUFFIXES, is_lock_file, other_file_issue
from .status import mark_superseded, other_year_issues

OnFile = Callable[[int, int], None]

# Below this many files (a fifth of a second in one process) workers cost more than they save.
MIN_FILES_FOR_WORKERS = 40
# Files read and turned into tables at a time. Building a DataFrame has a fixed cost that
# many rows make small; a worker's run is shorter, so that the workers end together.
CHUNK_FILES = 256
WORKER_CHUNK_FILES = 32
# While workers that are not forked start, this process reads the first runs itself (at
# most half, so that the workers get the rest).
LEAD_RUNS = 4


@dataclass(frozen=True)
class Inputs:
    """What the paths given hold: the files to read, and the other files found in their folders."""

    files: list[str]
    others: list[str]


def path_list(paths: Iterable[str | bytes | os.PathLike] | str | bytes | os.PathLike) -> list[str]:
    """``paths`` as a list of text paths: one path given alone is one path, not the characters
    of its name; a path in bytes (as a Windows zip's names arrive) is decoded as the system does.

        >>> path_list("收回/财务科.xlsx"), path_list([b"a.xlsx", Path("b")])
        (['收回/财务科.xlsx'], ['a.xlsx', 'b'])
    """
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    return [os.fsdecode(path) for path in paths]


def expand_paths(paths: Iterable[str | os.PathLike], *, exclude: Iterable[str | os.PathLike] = ()) -> list[str]:
    """Files as given; folders searched recursively (symlinked folders too), sorted, for
    workbooks and ``~$`` lock files. A file reached twice (``收回/`` and ``收回/a.xlsx``) is
    read once; a dangling link with a workbook's name, and a folder that cannot be listed, are
    kept, to be reported. A folder's macOS leftovers (``._财务科.xlsx``, ``__MACOSX/``) are
    passed over, and so are the files ``exclude`` names (the roster kept among the forms).

        >>> expand_paths(["a.xlsx", "收回/"])      # doctest: +SKIP
        ['a.xlsx', '收回/财务科.xlsx', '收回/~$财务科.xlsx', '收回/办公室/项目.xls']
    """
    return find_inputs(paths, exclude=exclude).files


def find_inputs(paths: Iterable[str | os.PathLike], *, exclude: Iterable[str | os.PathLike] = ()) -> Inputs:
    """:func:`expand_paths`, and the files of the folders searched that are not workbooks."""
    files: list[str] = []
    others: list[str] = []
    seen: set[str] = {real_path(path) for path in path_list(exclude)}
    for path in path_list(paths):
        # os.path.isdir, not Path.is_dir: a path that cannot be looked at (a name too long, a
        # folder not to be entered) is no folder, and is reported as an unreadable file.
        found, other = _search(Path(path)) if os.path.isdir(path) else ([str(path)], [])
        files += _first_time(found, seen)
        others += _first_time(other, seen)
    return Inputs(files, others)


def missing_paths(paths: Iterable[str | os.PathLike]) -> list[str]:
    """The paths that name no file or folder (a path through a file is one). A path that cannot
    be looked at (a name too long, a folder not to be entered) is not missing: reading it
    reports it as an unreadable file."""
    return [path for path in path_list(paths) if _names_nothing(path)]


def _names_nothing(path: str | os.PathLike) -> bool:
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        pass  # there, but not to be looked at
    return False


def missing_error(paths: Sequence[str]) -> InputError:
    return InputError(f"找不到文件或文件夹：{'、'.join(paths)}")


def no_workbooks_error(paths: Sequence[str], others: Sequence[str] = ()) -> InputError:
    """None of ``paths`` is or holds a workbook; ``others`` are the other files found there."""
    also = f"（另有{len(others)}个其他文件，如“{Path(others[0]).name}”）" if others else ""
    return InputError(f"{'、'.join(map(str, paths))} 中没有找到表格文件（{'、'.join(WORKBOOK_SUFFIXES)}）{also}。")


def require_inputs(paths: Iterable[str | os.PathLike]) -> None:
    """Raise when none of ``paths`` names a file or folder (a folder mistyped): there is nothing
    to read. Some missing among others are read as issues."""
    paths = path_list(paths)
    if paths and len(missing_paths(paths)) == len(paths):
        raise missing_error(paths)


def _first_time(files: list[str], seen: set[str]) -> list[str]:
    """The files not reached before (by their real path), remembered in ``seen``."""
    new = []
    for file in files:
        key = real_path(file)
        if key not in seen:
            seen.add(key)
            new.append(file)
    return new


def real_path(path: str) -> str:
    """The path with its links followed, or as given when a link cannot be read (one into
    /proc, say): reading it then reports why."""
    try:
        return os.path.realpath(path)
    except OSError:
        return os.path.abspath(path)


# What macOS leaves beside a file copied to a shared drive (its resource fork, "._" and the
# name) and in a zip it makes (a folder of them).
_MACOS_RESOURCE_PREFIX = "._"
_MACOS_ARCHIVE_FOLDER = "__MACOSX"


def _search(folder: Path) -> tuple[list[str], list[str]]:
    found: list[Path] = []
    others: list[Path] = []
    visited: set[str] = set()
    for root, dirs, names in os.walk(folder, followlinks=True, onerror=lambda exc: found.append(Path(exc.filename))):
        real = real_path(root)
        if real in visited:  # a link back up the tree
            dirs.clear()
            continue
        visited.add(real)
        dirs[:] = [d for d in dirs if d != _MACOS_ARCHIVE_FOLDER]
        for name in names:
            if name.startswith(_MACOS_RESOURCE_PREFIX):
                continue
            path = Path(root, name)
            if path.suffix.lower() in WORKBOOK_SUFFIXES or is_lock_file(path):
                found.append(path)
            else:
                others.append(path)
    return [str(p) for p in sorted(found)], [str(p) for p in sorted(others)]


def collect(paths: Iterable[str | os.PathLike], *, jobs: int = 1, on_file: OnFile | None = None,
            exclude: Iterable[str | os.PathLike] = ()) -> Collection:
    """Read every workbook under ``paths`` into one :class:`Collection` (``file_count`` set).

    ``jobs > 1`` reads in that many worker processes, each holding one file at a time.
    ``on_file(forms, errors)`` is called as each file finishes (in order), e.g. for a progress bar.
    ``exclude`` are files not to read though found (the roster, kept among the forms).
    Every copy of a project sent twice is kept; the rows of those another copy superseded
    have ``superseded`` true (:func:`sheetsync.status.choose_copies`).

        >>> c = collect(["收回/"], jobs=2)                # doctest: +SKIP
        >>> c.indicators.groupby("level1").size()         # doctest: +SKIP
    """
    paths = path_list(paths)
    inputs = find_inputs(paths, exclude=exclude)
    if not inputs.files:
        raise no_workbooks_error(paths, inputs.others)
    parts = list(_read_all(inputs.files, jobs, on_file))
    notes = [note for note in map(other_file_issue, inputs.others) if note is not None]
    if notes:
        rows = TableRows()
        rows.add([], notes)
        parts.append(rows.tables())
    collection = Collection.concat(parts, file_count=len(inputs.files))
    collection = without_unchanged_copies(collection, feedback_copies(inputs.files, load_headers().text("feedback_suffix")))
    collection = collection.with_issues(other_year_issues(collection.projects, collection.paths_of("projects")))
    return mark_superseded(sent_elsewhere(collection))


@dataclass
class Chunk:
    """What a worker sends back for a run of files: their tables, and (forms, errors) per file."""

    tables: Tables
    counts: list[tuple[int, int]]


# Worker processes, and the results of the runs submitted to them, in order.
Workers = tuple[ProcessPoolExecutor, deque[Future[Chunk]]]


def read_chunk(files: list[str], on_file: OnFile | None = None) -> Chunk:
    """Read a run of files into one set of tables (built where the files are read)."""
    rows, counts = TableRows(), []
    for file in files:
        result = read_file(file)
        rows.add(result.forms, result.issues)
        counts.append((len(result.forms), sum(1 for i in result.issues if i.severity == ERROR)))
        if on_file is not None:
            on_file(*counts[-1])
    return Chunk(rows.tables(), counts)


def _read_all(files: list[str], jobs: int, on_file: OnFile | None) -> Iterator[Tables]:
    if jobs <= 1 or len(files) < MIN_FILES_FOR_WORKERS:
        for run in _runs(files, CHUNK_FILES):
            yield read_chunk(run, on_file).tables
        return
    runs = deque(_runs(files, WORKER_CHUNK_FILES))
    context = _worker_context()
    if context.get_start_method() == "fork":
        workers, pending = _start_workers(context, min(jobs, len(runs)), list(runs))
    else:
        workers, pending = yield from _read_while_starting(context, runs, jobs, on_file)
    try:
        while runs:
            try:
                chunk = pending.popleft().result()
            except BrokenProcessPool:
                # A worker died (a file crashed the reader, or the system killed it) and took
                # the runs not yet sent back with it. The first is read again file by file,
                # each in a process of its own; new workers read the others.
                workers.shutdown(wait=True, cancel_futures=True)
                for chunk in map(_read_alone, runs.popleft()):
                    _report(chunk, on_file)
                    yield chunk.tables
                if runs:
                    workers, pending = _start_workers(_worker_context(), min(jobs, len(runs)), list(runs))
                continue
            runs.popleft()
            _report(chunk, on_file)
            yield chunk.tables
    finally:
        workers.shutdown(wait=True, cancel_futures=True)


def _read_while_starting(context: BaseContext, runs: deque[list[str]], jobs: int,
                         on_file: OnFile | None) -> Generator[Tables, None, Workers]:
    """Start workers from a thread and read the first runs here meanwhile; return the workers.

    A worker that is not forked imports pandas before it reads (about half a second).
    """
    lead = min(LEAD_RUNS, len(runs) // 2)
    with ThreadPoolExecutor(1) as starter:
        starting = starter.submit(_start_workers, context, min(jobs, len(runs) - lead), list(runs)[lead:])
        try:
            for _ in range(lead):
                yield read_chunk(runs.popleft(), on_file).tables
        except BaseException:
            starting.result()[0].shutdown(wait=True, cancel_futures=True)
            raise
        return starting.result()


def _start_workers(context: BaseContext, count: int, runs: list[list[str]]) -> Workers:
    """``count`` worker processes, each run submitted to them (which starts them)."""
    # Not multiprocessing.Pool: its worker-handler thread busy-waits while a large result is
    # in the pipe, taking a core from the workers (1.5 s of CPU on 100,000 sheets).
    workers = ProcessPoolExecutor(count, mp_context=context, initializer=_worker_started)
    try:
        return workers, deque(workers.submit(read_chunk, run) for run in runs)
    except BaseException:  # a SIGTERM while submitting: nobody else holds the workers yet
        workers.shutdown(wait=True, cancel_futures=True)
        raise


def _read_alone(file: str, read: Callable[[list[str]], Chunk] = read_chunk) -> Chunk:
    """``read([file])`` in a process of its own; a file that kills it twice is an issue row (a
    process killed once may be the system's doing: the out-of-memory killer, say)."""
    for _attempt in range(2):
        with ProcessPoolExecutor(1, mp_context=_worker_context(), initializer=_worker_started) as alone:
            try:
                return alone.submit(read, [file]).result()
            except BrokenProcessPool:
                continue
    rows = TableRows()
    rows.add([], [issue("reader_crashed", file=file)])
    return Chunk(rows.tables(), [(0, 1)])


def _worker_started() -> None:
    """Make a worker end with the process that started it, which a SIGKILL can end with no
    clean-up: left alone, the worker would wait for ever to send its results. A SIGTERM ends a
    worker at once, whatever handler it inherited; the process that started it cleans up."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()
    os._exit(1)


def _report(chunk: Chunk, on_file: OnFile | None) -> None:
    if on_file is not None:
        for forms, errors in chunk.counts:
            on_file(forms, errors)


def _runs(files: list[str], size: int) -> list[list[str]]:
    return [files[i:i + size] for i in range(0, len(files), size)]


def _worker_context() -> BaseContext:
    """How worker processes start.

    "fork" starts them at once, with everything this process has imported. Forking a process
    that runs other threads can leave a lock held for ever in the child, so then, and on macOS
    (whose system libraries break after a fork), a "forkserver" forks each worker from a clean
    process that imported the reader; on Windows, which has neither, each starts afresh ("spawn").
    """
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and sys.platform != "darwin" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["sheetsync.collect"])
        return context
    return multiprocessing.get_context("spawn")
