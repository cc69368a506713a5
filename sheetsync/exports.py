"""The collected tables as CSV, Parquet or SQLite, for work in pandas, BI tools or SQL.

Exports hold every row collected (every copy of a project, however many rows), under the
column names of :data:`sheetsync.model.PROJECT_COLUMNS`, ``INDICATOR_COLUMNS`` and
:data:`sheetsync.issues.ISSUE_COLUMNS`::

    >>> export_sqlite(collection, "rounds.db")             # doctest: +SKIP
    >>> export_parquet(collection, "tables/")               # doctest: +SKIP
    [PosixPath('tables/projects.parquet'), PosixPath('tables/indicators.parquet'), PosixPath('tables/issues.parquet')]
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Callable

import pandas as pd

from .errors import OutputError
from .model import Collection
from .output import atomic_path, check_writable, made_folder, publish, write_error

TABLES = ("projects", "indicators", "issues")
SQLITE_ROWS = 100_000
# Excel and WPS run a CSV field that starts like a formula (=, @, + or - before anything but
# a number) when they open the file, as OWASP's "CSV injection" describes; such text is
# written with a leading apostrophe. A signed number or percentage, and a lone =, + or -
# (the 指标值 operator column holds "="), are not.
_FORMULA_LIKE = r"^(?:[=@][\s\S]|[\t\r]|[+-][\s\S]*[^\d.,%\s])"
_FORMULA_FIRST = ("=", "@", "\t", "\r", "+", "-")


def _tables(collection: Collection) -> dict[str, pd.DataFrame]:
    return {name: getattr(collection, name) for name in TABLES}


def _write_folder(folder: Path | str, suffix: str, force: bool,
                  write: Callable[[pd.DataFrame, Path], None], collection: Collection) -> list[Path]:
    """Write every table to a temporary name in ``folder``, then rename them all."""
    folder = Path(folder)
    targets = [check_writable(folder / f"{name}{suffix}", force) for name in TABLES]
    temps: list[Path] = []
    with made_folder(folder):
        try:
            for (name, frame), target in zip(_tables(collection).items(), targets):
                try:
                    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=suffix + ".tmp", dir=folder)
                    os.close(fd)
                    temps.append(Path(tmp))
                    write(frame, Path(tmp))
                except OSError as exc:  # a full disk; pyarrow's errors are OSErrors too
                    raise write_error(target, exc) from None
            for tmp, target in zip(temps, targets):
                check_writable(target, force)
            for tmp, target in zip(temps, targets):
                publish(tmp, target)
        finally:
            for tmp in temps:
                tmp.unlink(missing_ok=True)
    return targets


def export_files(*, csv_dir: Path | str | None = None, parquet_dir: Path | str | None = None,
                 sqlite_file: Path | str | None = None) -> list[Path]:
    """Every file the exports asked for write."""
    files = [Path(folder) / f"{name}{suffix}"
             for folder, suffix in ((csv_dir, ".csv"), (parquet_dir, ".parquet")) if folder is not None
             for name in TABLES]
    return files + ([Path(sqlite_file)] if sqlite_file is not None else [])


def check_exports(*, csv_dir: Path | str | None = None, parquet_dir: Path | str | None = None,
                  sqlite_file: Path | str | None = None, force: bool = False) -> None:
    """Raise before any work when an export could not be written (exists without ``force``, a folder in the way)."""
    for path in export_files(csv_dir=csv_dir, parquet_dir=parquet_dir, sqlite_file=sqlite_file):
        check_writable(path, force)


def export_csv(collection: Collection, dir: Path | str, *, force: bool = False) -> list[Path]:
    """Write ``projects.csv``, ``indicators.csv`` and ``issues.csv`` into ``dir``.

    UTF-8 with a byte-order mark, which Excel and WPS need to show Chinese text in a CSV.
    Text that starts like a formula (``=HYPERLINK(...)``) gets a leading ``'`` so that they
    show it rather than run it; the Parquet and SQLite exports hold it as typed.
    """
    def write(frame: pd.DataFrame, path: Path) -> None:
        _formulas_as_text(frame).to_csv(path, index=False, encoding="utf-8-sig")

    return _write_folder(dir, ".csv", force, write, collection)


def _formulas_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with an apostrophe before every text that starts like a formula."""
    guarded = {}
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_string_dtype(column.dtype):
            # pandas searches a regex ten times slower than it checks a prefix: first the prefix.
            risky = column.str.startswith(_FORMULA_FIRST, na=False)
            if risky.any():
                risky[risky] = column[risky].str.contains(_FORMULA_LIKE, regex=True)
            if risky.any():
                guarded[name] = column.mask(risky, "'" + column)
    return frame.assign(**guarded) if guarded else frame


def export_parquet(collection: Collection, dir: Path | str, *, force: bool = False) -> list[Path]:
    """Write ``projects.parquet``, ``indicators.parquet`` and ``issues.parquet`` into ``dir``."""

    def write(frame: pd.DataFrame, path: Path) -> None:
        frame.to_parquet(path, engine="pyarrow", index=False)

    return _write_folder(dir, ".parquet", force, write, collection)


def export_sqlite(collection: Collection, path: Path | str, *, force: bool = False) -> Path:
    """Write the tables ``projects``, ``indicators`` and ``issues`` into a new SQLite database."""
    with atomic_path(path, force=force) as tmp:
        tmp.unlink()  # sqlite3 would otherwise open the empty temporary file as a database
        connection = sqlite3.connect(tmp)
        try:
            with connection:
                for name, frame in _tables(collection).items():
                    # pandas converts all the rows it is given to Python objects at once; a
                    # slice at a time keeps that memory flat on a province's millions of rows.
                    frame.iloc[:0].to_sql(name, connection, index=False)
                    for first in range(0, len(frame), SQLITE_ROWS):
                        frame.iloc[first:first + SQLITE_ROWS].to_sql(name, connection, index=False, if_exists="append")
        except (sqlite3.Error, pd.errors.DatabaseError) as exc:  # a full disk, as SQLite reports it
            raise OutputError(f"无法写入 {path}：{exc}") from None
        finally:
            connection.close()
    return Path(path)
