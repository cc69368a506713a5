"""Sheets whose used range calamine cannot hold: read sparsely, never a crash.

calamine aborts the process when a sheet's block of cells cannot be allocated, so every read
of such a file runs in a child process with its memory capped: without the guard the child
dies (exit 134) and the test fails instead of the test run.
"""

from __future__ import annotations

import pickle
import re
import subprocess
import sys
import textwrap
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from fixtures_forms import SEED_FORM, Layout, write_workbook
from office import convert
from sheetsync import extent
from sheetsync.extent import Extent, dimension_extent, head_extent, scanned_extent
from sheetsync.reader import read_workbook
from sheetsync.safety import inspect_file

STRAY = "XFD1048576"


@pytest.fixture
def clean(tmp_path) -> Path:
    return write_workbook(tmp_path / "clean.xlsx", [("项目1", SEED_FORM, Layout()), ("项目2", SEED_FORM, Layout())])


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
    assert [(s.part, s.extent) for s in inspect_file(path).large_sheets] == [
        ("xl/worksheets/sheet2.xml", Extent(1048576, 16384))]
    issues = assert_reads_like(read_in_child(path, tmp_path), clean, path)
    assert issues[["sheet", "cell", "code"]].values.tolist() == [["项目2", STRAY, "unclaimed_cell"]]
    assert "误填" in issues.message.iloc[0]


def _rewrite_part(path: Path, part: str, change) -> Path:
    """Rewrite one part of a zip through ``change(xml) -> xml``."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_a_sheet_without_a_dimension_is_measured_from_its_cells(clean, tmp_path):
    path = with_stray_value(clean, tmp_path / "no_dimension.xlsx")
    _rewrite_part(path, "xl/worksheets/sheet2.xml", lambda xml: re.sub(rb"<dimension [^>]*>", b"", xml))
    with zipfile.ZipFile(path) as archive:
        assert b"<dimension" not in archive.read("xl/worksheets/sheet2.xml")
    assert [s.extent for s in inspect_file(path).large_sheets] == [Extent(1048576, 16384)]
    issues = assert_reads_like(read_in_child(path, tmp_path), clean, path)
    assert issues[["sheet", "cell", "code"]].values.tolist() == [["项目2", STRAY, "unclaimed_cell"]]


def test_a_large_sheet_with_too_much_xml_is_refused_and_the_others_read(clean, tmp_path, monkeypatch):
    # Past the sparse limit openpyxl would need minutes: the sheet is named, the rest read.
    path = with_stray_value(clean, tmp_path / "dense.xlsx")
    monkeypatch.setattr(extent, "MAX_SPARSE_PART_BYTES", 1000)
    c = read_workbook(path)
    assert c.projects.sheet.tolist() == ["项目1"]
    row = c.issues.iloc[0]
    assert (row.sheet, row.code, row.severity) == ("项目2", "sheet_too_large", "error")
    assert row.message.startswith("工作表的内容一直延伸到A1:XFD1048576（1048576行×16384列），范围过大")


def test_a_wide_but_small_sheet_is_still_read_by_calamine(clean, tmp_path):
    path = with_stray_value(clean, tmp_path / "wide.xlsx", cell="XFD20")
    assert inspect_file(path).large_sheets == ()
    issues = assert_reads_like(read_in_child(path, tmp_path), clean, path)
    assert issues[["sheet", "cell", "code"]].values.tolist() == [["项目2", "XFD20", "unclaimed_cell"]]


@pytest.mark.office
def test_libreoffice_resaved_stray_value_is_read_sparsely(soffice, clean, tmp_path):
    stray = with_stray_value(clean, tmp_path / "stray.xlsx")
    resaved = convert(soffice, stray, "xlsx", tmp_path / "resaved")
    assert [s.extent for s in inspect_file(resaved).large_sheets] == [Extent(1048576, 16384)]
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
    (b'<x:dimension ref="B3"/>', Extent(3, 2)),
    (b'<dimension ref="XFD1048576"/>', Extent(1048576, 16384)),
    (b'<dimension ref="C5:A1"/>', Extent(5, 3)),
    (b"<sheetData/>", None),
])
def test_dimension_extent(xml, found):
    assert dimension_extent(b"<worksheet>" + xml) == found


def _deflated(xml: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(xml) + packer.flush()


def test_head_extent_inflates_past_a_long_root_element():
    xml = EXCEL_ROOT + b'<sheetPr/><dimension ref="A1:AB900"/><sheetData>' + b"<row/>" * 5000 + b"</sheetData>"
    assert len(EXCEL_ROOT) > 1024
    assert head_extent(_deflated(xml), zipfile.ZIP_DEFLATED) == Extent(900, 28)
    assert head_extent(xml, zipfile.ZIP_STORED) == Extent(900, 28)


def test_head_extent_without_a_dimension_is_none():
    xml = EXCEL_ROOT + b'<sheetData><row r="1"><c r="A1"/></row></sheetData><dimension ref="A1"/>'
    assert head_extent(_deflated(xml), zipfile.ZIP_DEFLATED) is None
    assert head_extent(b"not deflate at all", zipfile.ZIP_DEFLATED) is None


def test_scanned_extent_takes_the_furthest_row_and_column():
    xml = (b'<sheetData><row r="2"><c r="B2" t="s"><v>0</v></c><c s="1" r="AA2"/></row>'
           b'<x:row spans="1:2" r="70"><x:c r="C70"/></x:row></sheetData>')
    assert scanned_extent(xml) == Extent(70, 27)
    assert scanned_extent(b"<sheetData/>") == Extent(1, 1)
