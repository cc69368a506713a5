"""Sheets whose used range calamine cannot hold: read sparsely, never a crash.

calamine aborts the process when a sheet's block of cells cannot be allocated, so every read
of such a file runs in a child process with its memory capped: without the guard the child
dies (exit 134) and the test fails instead of the test run.
"""

from __future__ import annotations

import datetime as dt
import pickle
import re
import subprocess
import sys
import textwrap
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from fixtures_forms import SEED_FORM, Layout, write_workbook
from office import convert
from zip_edits import rewrite_part, set_header_field
from sheetsync import extent
from sheetsync.extent import Extent, dimension_extent, large_sheets, measure, scanned_extent
from sheetsync.reader import read_workbook
from sheetsync.safety import inspect_file

STRAY = "XFD1048576"


@pytest.fixture
def clean(tmp_path) -> Path:
    return write_workbook(tmp_path / "clean.xlsx", [("项目1", SEED_FORM, Layout()), ("项目2", replace(SEED_FORM, name="展会补贴"), Layout())])


def with_stray_value(source: Path, target: Path, cell: str = STRAY) -> Path:
    """``source`` with a value typed by mistake far below and right of 项目2's form."""
    wb = openpyxl.load_workbook(source)
    wb["项目2"][cell] = "误填"
    wb.save(target)
    return target


def read_in_child(path: Path, tmp_path: Path) -> list[pd.DataFrame]:
    """read_workbook(path) in a child process limited to 4 GB; its three tables."""
    out = tmp_path / "tables.pickle"
    script = textwrap.dedent(f"""
        import pickle, resource
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
        from sheetsync.reader import read_workbook
        c = read_workbook({str(path)!r})
        with open({str(out)!r}, "wb") as fh:
            pickle.dump([c.projects, c.indicators, c.issues], fh)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return pickle.loads(out.read_bytes())


def assert_reads_like(tables: list[pd.DataFrame], clean: Path, path: Path) -> pd.DataFrame:
    """The forms of ``path`` are those of ``clean``; the issues left over are returned."""
    expected = read_workbook(clean)
    projects, indicators, issues = tables
    pd.testing.assert_frame_equal(projects, expected.projects.assign(file=str(path)))
    pd.testing.assert_frame_equal(indicators, expected.indicators.assign(file=str(path)))
    assert expected.issues.empty
    return issues


def test_a_stray_value_in_the_last_cell_is_read_sparsely(clean, tmp_path):
    path = with_stray_value(clean, tmp_path / "stray.xlsx")
    assert [(s.index, s.part, s.extent) for s in inspect_file(path).sheets.large] == [
        (1, "xl/worksheets/sheet2.xml", Extent(1048576, 16384))]
    issues = assert_reads_like(read_in_child(path, tmp_path), clean, path)
    assert issues[["sheet", "cell", "code"]].values.tolist() == [["项目2", STRAY, "unclaimed_cell"]]
    assert "误填" in issues.message.iloc[0]


def test_a_sheet_without_a_dimension_is_measured_from_its_cells(clean, tmp_path):
    path = with_stray_value(clean, tmp_path / "no_dimension.xlsx")
    rewrite_part(path, "xl/worksheets/sheet2.xml", lambda xml: re.sub(rb"<dimension [^>]*>", b"", xml))
    with zipfile.ZipFile(path) as archive:
        assert b"<dimension" not in archive.read("xl/worksheets/sheet2.xml")
    assert [s.extent for s in inspect_file(path).sheets.large] == [Extent(1048576, 16384)]
    issues = assert_reads_like(read_in_child(path, tmp_path), clean, path)
    assert issues[["sheet", "cell", "code"]].values.tolist() == [["项目2", STRAY, "unclaimed_cell"]]


def test_a_large_sheet_with_too_much_xml_is_refused_and_the_others_read(clean, tmp_path, monkeypatch):
    # Past the sparse limit (16 MB of XML) the sheet is refused and named; the rest is read.
    path = with_stray_value(clean, tmp_path / "dense.xlsx")
    monkeypatch.setattr(extent, "MAX_SPARSE_PART_BYTES", 1000)
    c = read_workbook(path)
    assert c.projects.sheet.tolist() == ["项目1"]
    row = c.issues.iloc[0]
    assert (row.sheet, row.code, row.severity) == ("项目2", "sheet_too_large", "error")
    assert row.message.startswith("工作表的内容一直延伸到A1:XFD1048576（1048576行×16384列），范围过大")


def test_a_wide_but_small_sheet_is_still_read_by_calamine(clean, tmp_path):
    path = with_stray_value(clean, tmp_path / "wide.xlsx", cell="XFD20")
    assert inspect_file(path).sheets.large == ()
    issues = assert_reads_like(read_in_child(path, tmp_path), clean, path)
    assert issues[["sheet", "cell", "code"]].values.tolist() == [["项目2", "XFD20", "unclaimed_cell"]]


@pytest.mark.office
def test_libreoffice_resaved_stray_value_is_read_sparsely(soffice, clean, tmp_path):
    stray = with_stray_value(clean, tmp_path / "stray.xlsx")
    resaved = convert(soffice, stray, "xlsx", tmp_path / "resaved")
    assert [s.extent for s in inspect_file(resaved).sheets.large] == [Extent(1048576, 16384)]
    issues = read_in_child(resaved, tmp_path)[2]
    assert issues[["sheet", "cell", "code"]].values.tolist() == [["项目2", STRAY, "unclaimed_cell"]]


@pytest.mark.office
def test_an_ods_with_a_stray_value_is_refused_with_a_clear_issue(soffice, clean, tmp_path):
    # calamine loads an .ods whole and refuses one past 100 million cells itself.
    ods = convert(soffice, with_stray_value(clean, tmp_path / "stray.xlsx"), "ods", tmp_path / "ods")
    issues = read_in_child(ods, tmp_path)[2]
    assert issues[["sheet", "code", "severity"]].values.tolist() == [["", "range_too_large", "error"]]
    assert "共17,179,852,800个单元格" in issues.message.iloc[0]


# --- finding the dimension ------------------------------------------------------------

EXCEL_ROOT = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="http://schemas.'
              b'openxmlformats.org/spreadsheetml/2006/main" ' + b'xmlns:x14ac="urn:example" ' * 40 + b'>')


@pytest.mark.parametrize("xml, found", [
    (b'<dimension ref="A1:H40"/>', Extent(40, 8)),
    (b"<x:dimension ref='B3'/>", Extent(3, 2)),
    (b'<dimension ref="XFD1048576"/>', Extent(1048576, 16384)),
    (b'<dimension ref="C5:A1"/>', Extent(5, 3)),
    (b"<sheetData/>", None),
    (b'<sheetData/><dimension ref="A1"/>', None),
    (b'<!-- <dimension ref="A1"/> --><sheetData/>', None),
])
def test_dimension_extent(xml, found):
    assert dimension_extent(b"<worksheet>" + xml) == found


def reader_of(parts: dict[str, bytes]):
    return lambda name, limit: parts[name] if limit is None else parts[name][:limit]


def test_measure_looks_past_a_long_root_element():
    xml = EXCEL_ROOT + b'<sheetPr/><dimension ref="A1:AB900"/><sheetData>' + b"<row/>" * 5000 + b"</sheetData>"
    assert len(EXCEL_ROOT) > 1024
    assert measure(reader_of({"s.xml": xml}), "s.xml") == Extent(900, 28)


def test_measure_scans_a_sheet_without_a_dimension():
    xml = EXCEL_ROOT + b'<sheetData><row r="1"><c r="A1"/></row><row r="7"><c r="D7"/></row></sheetData>'
    assert measure(reader_of({"s.xml": xml}), "s.xml") == Extent(7, 4)
    assert measure(reader_of({}), "s.xml") is None  # unreadable: calamine reports it


def test_scanned_extent_takes_the_furthest_row_and_column():
    xml = (b'<sheetData><row r="2"><c r="B2" t="s"><v>0</v></c><c s="1" r="AA2"/></row>'
           b'<x:row spans="1:2" r="70"><x:c r="C70"/></x:row>'
           b"<row><c r='XFD1048576'/></row></sheetData>")
    assert scanned_extent(xml) == Extent(1048576, 16384)
    assert scanned_extent(b"<sheetData/>") == Extent(1, 1)


def _workbook(sheets: str, rels: str, parts: dict[str, bytes]) -> dict[str, bytes]:
    return {
        "xl/workbook.xml": (f'<workbook xmlns:r="urn:r"><!-- <sheet name="gone" r:id="rId9"/> --><sheets>{sheets}'
                            f"</sheets></workbook>").encode(),
        "xl/_rels/workbook.xml.rels": f"<Relationships>{rels}</Relationships>".encode(),
        **parts,
    }


def test_large_sheets_follow_the_workbook_to_any_part_name():
    far = b'<worksheet><dimension ref="A1:XFD1048576"/><sheetData/></worksheet>'
    near = b'<worksheet><dimension ref="A1:H40"/><sheetData/></worksheet>'
    parts = _workbook(
        '<sheet name="表&amp;1" sheetId="1" r:id="rId1"/><sheet name="B" sheetId="2" r:id="rId2"/>'
        '<sheet name="C" sheetId="3" relationships:id="rId3"/>',
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Target="/xl/Other/S.XML"/>'
        '<Relationship Id="rId3" Target="../xl/worksheets/sheet3.xml"/>',
        {"xl/worksheets/sheet1.xml": near, "xl/other/s.xml": far, "xl/worksheets/sheet3.xml": far})
    sheets = large_sheets(reader_of(parts), {name: len(data) for name, data in parts.items()})
    assert sheets.count == 3
    assert [(s.index, s.part) for s in sheets.large] == [(1, "xl/other/s.xml"), (2, "xl/worksheets/sheet3.xml")]


# --- reading a large sheet sparsely ------------------------------------------------------


def test_sparse_values_are_those_calamine_gives(tmp_path):
    from python_calamine import CalamineWorkbook

    from sheetsync.extent import LargeSheet, sparse_sheet

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["文本", 1, 2.5, True, dt.datetime(2024, 12, 31), dt.datetime(2024, 12, 31, 8, 30), None, 0.95,
               "#DIV/0!", "两期_x000D_\n支付"])  # a failed formula; Excel's escape of a carriage return
    ws.merge_cells("A2:C3")
    wb.save(path := tmp_path / "types.xlsx")
    with zipfile.ZipFile(path) as archive:
        assert b't="e"' in archive.read("xl/worksheets/sheet1.xml")
    calamine = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    large = LargeSheet(0, "xl/worksheets/sheet1.xml", Extent(3, 8), path.stat().st_size)
    with open(path, "rb") as fh:
        rows, merges = sparse_sheet(fh, large, 1)
    assert rows[0] == calamine.to_python(skip_empty_area=False)[0]
    assert rows[0][8:] == ["", "两期\r\n支付"]
    assert [type(v) for v in rows[0]] == [type(v) for v in calamine.to_python(skip_empty_area=False)[0]]
    assert merges == calamine.merged_cell_ranges


def test_a_sparse_read_stops_at_the_cell_budget(clean, tmp_path, monkeypatch):
    # Rows each as long as their last value: a value in XFD on every row is refused as soon
    # as the rows read hold more cells than calamine would have been allowed.
    wb = openpyxl.load_workbook(clean)
    for row in range(100, 120):
        wb["项目2"].cell(row, 16384, "误填")
    wb.save(path := tmp_path / "wide_rows.xlsx")
    monkeypatch.setattr(extent, "MAX_SHEET_CELLS", 100_000)
    c = read_workbook(path)
    assert c.projects.sheet.tolist() == ["项目1"]
    assert c.issues[["sheet", "code"]].values.tolist() == [["项目2", "sheet_too_large"]]


def test_a_sheet_that_cannot_be_measured_is_left_to_calamine(clean, tmp_path):
    # Without a dimension the sheet must be inflated to be measured; a compression method
    # nobody supports fails that, and calamine then reports the sheet as before.
    path = tmp_path / "method99.xlsx"
    path.write_bytes(clean.read_bytes())
    rewrite_part(path, "xl/worksheets/sheet2.xml", lambda xml: re.sub(rb"<dimension [^>]*>", b"", xml))
    set_header_field(path, "xl/worksheets/sheet2.xml", "<H", 8, 10, 99)  # the compression method
    check = inspect_file(path)
    assert check.issue is None and check.sheets.large == ()
    c = read_workbook(path)
    assert c.projects.sheet.tolist() == ["项目1"]
    assert c.issues[["sheet", "code"]].values.tolist() == [["项目2", "unreadable_sheet"]]
