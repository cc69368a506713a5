"""A damaged .xls that would make calamine allocate terabytes: refused before calamine opens it.

calamine aborts the process when an allocation fails, so every read of a damaged file runs in a
child process with its memory capped: without the guard the child dies (exit 134) and the test
fails instead of the test run.
"""

from __future__ import annotations

import pickle
import struct
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from fixtures_forms import SEED_FORM, Layout, write_workbook
from office import convert
from test_large_sheets import read_in_child
from xls_files import DIRECTORY_SECTOR, FAT_AT, write_xls
from sheetsync.reader import read_workbook
from sheetsync.safety import inspect_file
from sheetsync.workbook import open_workbook
from sheetsync.xls_sizes import Damage, declared_range, xls_damage

# DIMENSIONS, 14 bytes of data: first row, last row + 1 (32 bits), first col, last col + 1, reserved.
_DIMENSIONS = struct.Struct("<HHIIHH2x")


def collect_in_child(paths: list[Path], tmp_path: Path) -> list[pd.DataFrame]:
    """sheetsync.collect(paths) in one process (no workers), in a child limited to 4 GB."""
    out = tmp_path / "collected.pickle"
    script = textwrap.dedent(f"""
        import pickle, resource
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
        import sheetsync
        c = sheetsync.collect({[str(p) for p in paths]!r}, jobs=1)
        with open({str(out)!r}, "wb") as fh:
            pickle.dump([c.projects, c.indicators, c.issues], fh)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return pickle.loads(out.read_bytes())


def refusal(path: Path, tmp_path: Path) -> tuple[str, str, str, str]:
    """The one issue of ``path`` read in a child: sheet, code, severity, message."""
    projects, indicators, issues = read_in_child(path, tmp_path)
    assert projects.empty and indicators.empty
    assert len(issues) == 1, issues
    row = issues.iloc[0]
    assert row.file == str(path) and row.cell == ""
    return row.sheet, row.code, row.severity, row.message


SHEETS = {"项目1": {(0, 0): "项目名称", (0, 1): "会议组织"}, "项目2": {(3, 0): "预算单位", (17, 7): 12.5}}


def test_a_sound_handmade_xls_is_read(tmp_path):
    path = write_xls(tmp_path / "sound.xls", SHEETS)
    check = inspect_file(path)
    assert (check.kind, check.issue) == ("xls", None)
    book, problem = open_workbook(path, check.kind)
    assert problem is None
    with book:
        assert book.grid("项目1").rows == [["项目名称", "会议组织"]]
        grid = book.grid("项目2")
        assert (grid.value(3, 0), grid.value(17, 7), len(grid.rows)) == ("预算单位", 12.5, 18)


def test_a_first_row_past_the_last_in_a_dimensions_record_is_refused(tmp_path):
    # One byte changed in 项目2's DIMENSIONS: the first row 1 becomes 0x960001, past the last (18).
    path = write_xls(tmp_path / "damaged.xls", SHEETS, {"项目2": (0x960001, 18, 0, 8)})
    sheet, code, severity, message = refusal(path, tmp_path)
    assert (sheet, code, severity) == ("", "damaged_sheet_size", "error")
    assert message == ("文件已损坏：工作表“项目2”记录的表格范围是4,285,136,913行×8列，超出了.xls格式的上限"
                       "（65,536行×256列），整个文件无法读取。请用Excel或WPS打开后另存为.xlsx再提交。")


def test_a_value_past_the_last_row_and_column_is_refused(tmp_path):
    # calamine holds the sheet's values as one block from A1 to the stray value: 137 GB.
    path = write_xls(tmp_path / "far.xls", {"项目1": {(0, 0): "项目名称", (65535, 65535): "误"}}, {"项目1": (0, 1, 0, 2)})
    assert xls_damage(path.read_bytes()) == Damage("项目1", 65536, 65536)
    assert refusal(path, tmp_path)[1] == "damaged_sheet_size"


def test_a_damaged_column_in_a_few_rows_is_still_read(tmp_path):
    # A block of 6 × 301 cells is smaller than the format allows a sheet: read as before.
    path = write_xls(tmp_path / "narrow.xls", {"项目1": {(0, 0): "项目名称", (5, 300): "误"}})
    assert inspect_file(path).issue is None
    issues = read_in_child(path, tmp_path)[2]
    assert issues.code.tolist() == ["ignored_sheet", "no_form"]


def test_a_directory_chain_that_loops_is_refused(tmp_path):
    # The directory's sector leads back to itself: calamine would read it until memory runs out.
    path = write_xls(tmp_path / "loop.xls", SHEETS)
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, FAT_AT + 4 * DIRECTORY_SECTOR, DIRECTORY_SECTOR)
    path.write_bytes(data)
    assert refusal(path, tmp_path)[1:3] == ("looping_structure", "error")


def test_a_container_calamine_cannot_read_is_left_to_calamine(tmp_path):
    path = write_xls(tmp_path / "truncated.xls", SHEETS)
    path.write_bytes(path.read_bytes()[:1536])
    assert inspect_file(path).issue is None
    assert refusal(path, tmp_path)[1] == "corrupt_file"


def test_collecting_a_damaged_xls_in_one_process_carries_on(tmp_path):
    damaged = write_xls(tmp_path / "a_damaged.xls", SHEETS, {"项目2": (0x960001, 18, 0, 8)})
    good = write_workbook(tmp_path / "b_good.xlsx", [("项目1", SEED_FORM, Layout())])
    projects, _indicators, issues = collect_in_child([damaged, good], tmp_path)
    assert projects.file.tolist() == [str(good)]
    assert issues[["file", "sheet", "code"]].values.tolist() == [[str(damaged), "", "damaged_sheet_size"]]


@pytest.mark.parametrize("data, found", [
    (struct.pack("<IIHH2x", 3, 40, 0, 8), (37, 8)),              # BIFF8: rows 4 to 40, A to H
    (struct.pack("<4H2x", 3, 40, 0, 8), (37, 8)),                # BIFF5's 16-bit rows
    (struct.pack("<IIHH2x", 0, 0, 0, 0), (1, 1)),                # an empty sheet
    (struct.pack("<IIHH2x", 0, 65536, 0, 256), (65536, 256)),    # the largest sheet there is
    (struct.pack("<IIHH2x", 0x960001, 18, 0, 8), (4285136913, 8)),
    (b"\0" * 12, None),                                           # calamine refuses the record
])
def test_declared_range(data, found):
    assert declared_range(data) == found


# --- a workbook saved by LibreOffice ---------------------------------------------------------


def _damage_dimensions(data: bytes, sheet: int) -> bytes:
    """``data`` with one byte changed in the DIMENSIONS record of its ``sheet``-th sheet, the
    first row's third byte, as in a file a department sent: LibreOffice writes the Workbook
    stream in one run, so the records are found in the file's bytes."""
    found = [at for at in range(len(data) - _DIMENSIONS.size)
             if data.startswith(b"\x00\x02\x0e\x00", at) and _sane(_DIMENSIONS.unpack_from(data, at))]
    damaged = bytearray(data)
    damaged[found[sheet] + 6] = 0x96
    return bytes(damaged)


def _sane(record: tuple[int, ...]) -> bool:
    _kind, _length, first_row, end_row, first_col, end_col = record
    return first_row < end_row <= 65536 and first_col < end_col <= 256


@pytest.mark.office
def test_a_libreoffice_xls_with_one_byte_changed_in_a_dimensions_record(soffice, tmp_path):
    clean = write_workbook(tmp_path / "clean.xlsx", [("项目1", SEED_FORM, Layout()),
                                                     ("项目2", replace(SEED_FORM, name="展会补贴"), Layout(top=2))])
    sound = convert(soffice, clean, "xls", tmp_path / "xls")
    assert inspect_file(sound).issue is None
    expected, read = read_workbook(clean), read_workbook(sound)
    pd.testing.assert_frame_equal(read.projects.drop(columns="file"), expected.projects.drop(columns="file"))
    damaged = tmp_path / "damaged.xls"
    damaged.write_bytes(_damage_dimensions(sound.read_bytes(), 1))
    sheet, code, _severity, message = refusal(damaged, tmp_path)
    assert (sheet, code) == ("", "damaged_sheet_size")
    assert "工作表“项目2”" in message
    projects = collect_in_child([damaged, sound], tmp_path)[0]
    assert projects.file.tolist() == [str(sound), str(sound)]
