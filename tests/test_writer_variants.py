"""Workbooks written by other programs than Excel, in legal variants of the format: each reads
as the same form, with the same issues, as the workbook it was made from."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Callable

import openpyxl
import pandas as pd
import pytest
from openpyxl.comments import Comment
from openpyxl.utils import column_index_from_string

from fixtures_forms import SEED_FORM, Layout, write_workbook
from sheetsync.reader import read_workbook

_STRICT = ((b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
           (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            b"http://purl.oclc.org/ooxml/officeDocument/relationships"))


@pytest.fixture
def form(tmp_path) -> Path:
    """A form whose reading needs the sheet's XML: an amount in 元 shown as 万元, a percentage,
    a failed formula and a department's comment."""
    path = write_workbook(tmp_path / "form.xlsx", [("项目1", SEED_FORM, Layout())])
    book = openpyxl.load_workbook(path)
    sheet = book["项目1"]
    sheet["F4"], sheet["F4"].number_format = 7500, "0!.0000"
    sheet["H14"], sheet["H14"].number_format = 0.95, '"≥"0%'
    sheet["E9"] = "#DIV/0!"
    sheet["A1"].comment = Comment("此值待确认", "张三")
    book.save(path)
    return path


def _rewritten(source: Path, target: Path, change: Callable[[str, bytes], tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(source) as archive:
        parts = [change(info.filename, archive.read(info)) for info in archive.infolist()]
    stored = change is _stored
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            with archive.open(name, "w", force_zip64=change is _zip64) as part:
                part.write(data)
    return target


def _without_references(name: str, xml: bytes) -> tuple[str, bytes]:
    # The Open XML SDK's writers leave out the optional r of a cell that follows the one before.
    if not name.startswith("xl/worksheets/"):
        return name, xml
    previous = [-1]

    def cell(m: re.Match[bytes]) -> bytes:
        if m.group(1):
            previous[0] = -1
            return m.group(0)
        col = column_index_from_string(m.group(2).decode()) - 1
        follows, previous[0] = col == previous[0] + 1, col
        return b"<c" if follows else m.group(0)

    return name, re.sub(rb'<(row)\b|<c r="([A-Z]+)\d+"', cell, xml)


def _strict(name: str, xml: bytes) -> tuple[str, bytes]:
    # Excel's "Strict Open XML Spreadsheet".
    for transitional, strict in _STRICT:
        xml = xml.replace(transitional, strict)
    return name, xml


def _backslashes(name: str, xml: bytes) -> tuple[str, bytes]:
    # Some old Windows zip tools.
    return name.replace("/", "\\"), xml


def _capitals(name: str, xml: bytes) -> tuple[str, bytes]:
    # Part names are matched without case; the relationships keep theirs.
    return (name.replace("worksheets/sheet", "worksheets/Sheet") if name.endswith(".xml") else name), xml


def _prefixed(name: str, xml: bytes) -> tuple[str, bytes]:
    # The main namespace bound to a prefix, every element of the sheet named with it.
    if not name.startswith("xl/worksheets/sheet"):
        return name, xml
    xml = xml.replace(b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
                      b'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"', 1)
    return name, re.sub(rb"<(/?)(?![?!])([A-Za-z]+)(?=[\s/>])", rb"<\1x:\2", xml)


def _phonetic(name: str, xml: bytes) -> tuple[str, bytes]:
    # WPS keeps the reading of Chinese text beside it; it is not part of the text. (The form's
    # strings are inline, <is>, as some writers keep them; Excel's shared ones take the same runs.)
    if not name.startswith("xl/worksheets/sheet"):
        return name, xml
    return name, re.sub(rb"(</t>)(</is>)", rb'\1<rPh sb="0" eb="1"><t>du</t></rPh><phoneticPr fontId="1"/>\2', xml)


def _stored(name: str, xml: bytes) -> tuple[str, bytes]:
    return name, xml


def _zip64(name: str, xml: bytes) -> tuple[str, bytes]:
    return name, xml


@pytest.mark.parametrize("change", [_without_references, _strict, _backslashes, _capitals, _prefixed, _phonetic,
                                    _stored, _zip64])
def test_a_variant_of_the_format_reads_as_the_original(form, tmp_path, change):
    expected = read_workbook(form)
    assert sorted(expected.issues.code) == ["amount_scaled", "cell_comment", "formula_error"]
    variant = _rewritten(form, tmp_path / "variant.xlsx", change)
    if change is _without_references:
        with zipfile.ZipFile(variant) as archive:
            xml = archive.read("xl/worksheets/sheet1.xml")
            assert len(re.findall(rb"<c[ >]", xml)) - xml.count(b'<c r="') > 50
    result = read_workbook(variant)
    for table in ("projects", "indicators", "issues"):
        pd.testing.assert_frame_equal(getattr(result, table), getattr(expected, table).assign(file=str(variant)))
