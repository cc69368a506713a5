"""Safe sheet and file names, checked against Excel itself through XlsxWriter's own rules."""

from __future__ import annotations

import os

import xlsxwriter
from hypothesis import given, settings, strategies as st

from sheetsync.names import (
    FILE_NAME_MAX, SHEET_NAME_MAX, safe_file_name, safe_sheet_name, unique_file_names, unique_sheet_names,
)


def test_forbidden_sheet_characters_become_full_width():
    assert safe_sheet_name("a[b]:c*d?e/f\\g") == "a［b］：c＊d？e／f＼g"


def test_long_sheet_names_are_cut_to_31():
    name = safe_sheet_name("东" * 40)
    assert len(name) == SHEET_NAME_MAX


def test_characters_outside_the_bmp_count_twice():
    name = safe_sheet_name("𠀀" * 20)
    assert len(name.encode("utf-16-le")) // 2 <= SHEET_NAME_MAX


def test_apostrophes_blank_and_reserved():
    assert safe_sheet_name("'引号'") == "引号"
    assert safe_sheet_name("  ", fallback="项目1") == "项目1"
    assert safe_sheet_name("History") == "History_"


def test_duplicates_made_unique_ignoring_case_and_within_the_limit():
    names = unique_sheet_names(["物业管理费", "物业管理费", "abc", "ABC", "长" * 40, "长" * 35], taken=("填表说明",))
    assert names[:4] == ["物业管理费", "物业管理费(2)", "abc", "ABC(2)"]
    assert len(names[5]) <= SHEET_NAME_MAX and names[5].endswith("(2)")
    assert unique_sheet_names(["填表说明"], taken=("填表说明",)) == ["填表说明(2)"]


def test_file_names():
    assert safe_file_name('财务科<>:"/\\|?*') == "财务科＜＞：＂／＼｜？＊"
    assert safe_file_name("CON") == "CON_"
    assert safe_file_name("单位. ") == "单位"
    assert safe_file_name("...") == "workbook"
    assert len(safe_file_name("长" * 300)) == FILE_NAME_MAX
    assert unique_file_names(["甲", "甲", "A", "a"]) == ["甲", "甲(2)", "A", "a(2)"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=50), min_size=1, max_size=6))
def test_any_names_are_accepted_by_xlsxwriter(tmp_path_factory, names):
    path = tmp_path_factory.mktemp("names") / "n.xlsx"
    wb = xlsxwriter.Workbook(path)
    safe = unique_sheet_names(names)
    for name in safe:
        wb.add_worksheet(name)  # raises InvalidWorksheetName / DuplicateWorksheetName
    wb.close()
    assert len({n.casefold() for n in safe}) == len(names)


def test_a_file_name_that_is_not_utf8_is_kept_as_it_is():
    gbk = os.fsdecode("乙局".encode("gbk"))  # lone surrogates, as os.listdir gives such a name
    assert safe_file_name(gbk) == gbk
