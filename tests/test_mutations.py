"""Whatever a department does to a filled form, reading it and marking its feedback copy carry on:
random edits of cells, rows, columns and merges (overlapping ones too) give issue rows, never an
exception. (Random edits run by hand found the feedback crash on merges that overlap; its own
test is in test_feedback.py, since this one meets that case too rarely.)"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import MergedCell
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures_forms import OFFICIAL_LABELS, SEED_FORM, Layout, write_workbook
from sheetsync.feedback import annotate_copy
from sheetsync.headers import load_headers
from sheetsync.issues import CATALOGUE
from sheetsync.reader import read_workbook

# What people type or leave in cells: labels of the form in the wrong place, numbers, dates,
# booleans, error values, formulas, text starting with "=", very long text, blanks.
VALUES = st.one_of(
    st.sampled_from([None, "", " ", True, "#N/A", "#DIV/0!", "=SUM(A1:A3)", "=1/0", "'=1", "x" * 5000,
                     dt.datetime(2021, 12, 1), "０．７５万元", "≥95%", *OFFICIAL_LABELS.values()]),
    st.floats(allow_nan=False, allow_infinity=False), st.integers(-10**15, 10**15),
)
CELLS = st.tuples(st.integers(1, 30), st.integers(1, 12))
EDITS = st.one_of(
    st.tuples(st.just("set"), CELLS, VALUES),
    st.tuples(st.just("merge"), CELLS, st.tuples(st.integers(0, 3), st.integers(0, 3))),
    st.tuples(st.just("delete_rows"), st.integers(1, 30), st.integers(1, 3)),
    st.tuples(st.just("insert_rows"), st.integers(1, 30), st.integers(1, 3)),
    st.tuples(st.just("delete_cols"), st.integers(1, 12), st.integers(1, 2)),
)
LAYOUTS = st.builds(Layout, top=st.integers(0, 3), left=st.integers(0, 2),
                    merges=st.sampled_from(["merged", "first", "repeated"]),
                    blank_rows_before_table=st.integers(0, 2))


def _edit(sheet, edit) -> None:
    kind, where, what = edit
    if kind == "set":
        cell = sheet.cell(*where)
        if not isinstance(cell, MergedCell):  # in Excel too, only a merge's first cell takes a value
            cell.value = what
    elif kind == "merge":
        (row, col), (rows, cols) = where, what
        sheet.merge_cells(start_row=row, start_column=col, end_row=row + rows, end_column=col + cols)
    else:
        getattr(sheet, kind)(where, what)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(layout=LAYOUTS, edits=st.lists(EDITS, max_size=25))
def test_any_edit_of_a_form_gives_issues_not_exceptions(layout, edits):
    with tempfile.TemporaryDirectory() as tmp:
        path = write_workbook(Path(tmp) / "改过.xlsx", [("项目1", SEED_FORM, layout), ("项目2", SEED_FORM, Layout())])
        book = openpyxl.load_workbook(path)
        for edit in edits:
            _edit(book["项目1"], edit)
        book.save(path)
        result = read_workbook(path)
        assert set(result.issues["code"]) <= set(CATALOGUE)
        assert (result.issues["file"] == str(path)).all() and result.issues["message"].str.len().gt(0).all()
        assert "项目2" in result.projects["sheet"].tolist()  # the untouched sheet is read whatever the other holds
        copy = annotate_copy(path, Path(tmp) / "反馈" / "改过.xlsx", result.issues, load_headers())
        assert not copy.unreadable  # the copy is marked, not reduced to its problem list
        listed = list(openpyxl.load_workbook(copy.path)[load_headers().sheet("issues")].iter_rows(values_only=True))
        header = listed.index(tuple(load_headers().column(c) for c in ("sheet", "cell", "severity", "message")))
        assert len(listed) - header == 1 + max(1, len(result.issues))
