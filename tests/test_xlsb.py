"""An .xlsb (Excel's binary workbook) is read like the .xlsx it was saved from, and a value
typed far away in one is refused by name instead of aborting the process in calamine."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from fixtures_forms import SEED_FORM, Layout, write_workbook
from test_large_sheets import read_in_child
from xlsb_files import XlsbError, record, write_xlsb
from sheetsync.collect import collect
from sheetsync.extent import Extent, xlsb_records
from sheetsync.reader import read_workbook
from sheetsync.safety import inspect_file


@pytest.fixture
def clean(tmp_path) -> Path:
    # Merges are not written to the .xlsb, so the form is laid out with its merges undone.
    layout = Layout(merges="first")
    return write_workbook(tmp_path / "clean.xlsx", [("项目1", SEED_FORM, layout), ("项目2", replace(SEED_FORM, name="展会补贴"), layout)])


def as_xlsb(source: Path, target: Path, extra: dict[str, dict[tuple[int, int], object]] | None = None) -> Path:
    """``source``'s cells saved as .xlsb, with ``extra`` cells added to the named sheets."""
    workbook = CalamineWorkbook.from_path(str(source))
    sheets = {}
    for name in workbook.sheet_names:
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        sheets[name] = {(r, c): v for r, row in enumerate(rows) for c, v in enumerate(row) if v != ""}
        sheets[name].update((extra or {}).get(name, {}))
    workbook.close()
    return write_xlsb(target, sheets)


def test_an_xlsb_reads_like_its_xlsx(clean, tmp_path):
    path = as_xlsb(clean, tmp_path / "单位.xlsb")
    assert inspect_file(path).kind == "xlsb" and inspect_file(path).sheets.large == ()
    got, expected = read_workbook(path), read_workbook(clean)
    assert len(got.projects) == 2 and got.issues.empty
    for table in ("projects", "indicators"):
        assert getattr(got, table).drop(columns="file").equals(getattr(expected, table).drop(columns="file"))


def test_a_stray_value_far_away_in_an_xlsb_is_refused_and_the_other_sheets_read(clean, tmp_path):
    path = as_xlsb(clean, tmp_path / "误填.xlsb", {"项目2": {(1048575, 16383): "误填"}})
    [large] = inspect_file(path).sheets.large
    assert (large.index, large.part, large.extent, large.sparse) == (1, "xl/worksheets/sheet2.bin", Extent(1048576, 16384), False)
    projects, _indicators, issues = read_in_child(path, tmp_path)
    assert projects.sheet.tolist() == ["项目1"]
    assert issues[["sheet", "code"]].values.tolist() == [["项目2", "sheet_too_large"]]
    assert issues.message.iloc[0].startswith("工作表的内容一直延伸到A1:XFD1048576")


def test_a_folder_with_such_an_xlsb_is_collected_in_one_process(clean, tmp_path):
    folder = tmp_path / "收回"
    folder.mkdir()
    as_xlsb(clean, folder / "误填.xlsb", {"项目1": {(2_000_000 // 8, 20): "误填"}})
    (folder / "甲局.xlsx").write_bytes(clean.read_bytes())
    result = collect([folder], jobs=1)
    assert result.projects.file.str.endswith("甲局.xlsx").sum() == 2
    assert result.projects.file.str.endswith("误填.xlsb").sum() == 1
    assert result.issues.code.tolist() == ["sheet_too_large"]


def test_a_wide_but_small_xlsb_sheet_is_still_read(clean, tmp_path):
    path = as_xlsb(clean, tmp_path / "宽.xlsb", {"项目2": {(19, 16383): "误填"}})
    assert inspect_file(path).sheets.large == ()
    c = read_workbook(path)
    assert len(c.projects) == 2
    assert c.issues[["sheet", "cell", "code"]].values.tolist() == [["项目2", "XFD20", "unclaimed_cell"]]


def testxlsb_records_take_long_types_and_sizes_and_stop_where_the_read_was_cut():
    data = record(0x9C, b"x" * 300) + record(0x94, bytes(16))
    assert [(kind, len(payload)) for kind, payload in xlsb_records(data)] == [(0x9C, 300), (0x94, 16)]
    assert [kind for kind, _ in xlsb_records(data[:-3])] == [0x9C]
    assert list(xlsb_records(data[:1])) == []


def test_feedback_on_such_an_xlsb_lists_the_refused_sheet(clean, tmp_path):
    # In a child capped at 4 GB, as read_in_child: rebuilding the copy must not load the sheet either.
    path = as_xlsb(clean, tmp_path / "误填.xlsb", {"项目2": {(1048575, 16383): "误填"}})
    out = tmp_path / "反馈"
    script = textwrap.dedent(f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
        from sheetsync.feedback import write_feedback
        write_feedback([{str(path)!r}], {str(out)!r})
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    book = openpyxl.load_workbook(out / "误填_反馈.xlsx")
    assert book["项目1"].max_row > 10  # the form that was read is in the copy
    assert book["项目2"].max_row == 1 and book["项目2"]["A1"].value is None
    listed = [row for row in book["问题清单"].iter_rows(values_only=True) if "项目2" in row]
    assert any("工作表的内容一直延伸到A1:XFD1048576" in str(cell) for row in listed for cell in row)


def test_a_cell_showing_an_error_in_an_xlsb_is_reported_as_the_error(clean, tmp_path):
    # F4, the 中期 budget, holds a failed formula's #DIV/0! (a BrtCellError record).
    path = as_xlsb(clean, tmp_path / "出错.xlsb", {"项目1": {(3, 5): XlsbError(0x07)}})
    result = read_workbook(path)
    assert result.issues[["sheet", "cell", "code"]].values.tolist() == [["项目1", "F4", "formula_error"]]
    assert "#DIV/0!" in result.issues.message.iloc[0]
