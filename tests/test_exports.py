"""CSV, Parquet and SQLite exports: every row, the same tables back, written atomically."""

from __future__ import annotations

import gc
import sqlite3
import warnings

import openpyxl
import pandas as pd
import pytest

from sheetsync import exports, summary_sheets
from sheetsync.errors import OutputExistsError
from sheetsync.issues import issue
from sheetsync.model import SUPERSEDED, Collection, Indicator, ProjectForm
from sheetsync.summary import write_summary


@pytest.fixture
def collection() -> Collection:
    forms = [
        ProjectForm(budget_unit="东莞市甲局", project_name=f"项目{i}", year=2021, midterm_budget_wan=10.0 + i,
                    annual_budget_wan=None if i == 2 else 1.5 * i, midterm_goal="=1+1", file=f"f{i}.xlsx",
                    sheet="项目1", generated_at="2026-01-01T00:00:00",
                    indicators=[Indicator("年度", "满意度指标", "服务对象满意度指标", "满意度", v, "H9")
                                for v in ("≥95%", "满意", "@SUM(1)")])
        for i in range(4)
    ]
    forms.append(ProjectForm(budget_unit="东莞市甲局", project_name="项目0", file="copy.xlsx", sheet="项目1"))
    problems = [issue("missing_field", file="f1.xlsx", sheet="项目1", cell="B4", field="project_name", label="项目名称")]
    return Collection.from_forms(forms, problems, 6)


def test_csv_round_trip(tmp_path, collection):
    paths = exports.export_csv(collection, tmp_path / "tables")
    assert [p.name for p in paths] == ["projects.csv", "indicators.csv", "issues.csv"]
    assert paths[0].read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    for path, frame in zip(paths, (collection.projects, collection.indicators, collection.issues)):
        numbers = [c for c in frame.columns if c in ("year", "midterm_budget_wan", "annual_budget_wan", "value_num")]
        back = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False,
                           dtype={c: str for c in frame.columns if c not in numbers and c != SUPERSEDED},
                           na_values={c: [""] for c in numbers})
        if "year" in back:
            back["year"] = back["year"].astype("Int64")
        # Text that starts like a formula comes back with the apostrophe that keeps Excel from running it.
        pd.testing.assert_frame_equal(back, frame.replace({"=1+1": "'=1+1", "@SUM(1)": "'@SUM(1)"}))
    assert sorted(p.name for p in (tmp_path / "tables").iterdir()) == ["indicators.csv", "issues.csv", "projects.csv"]


FORMULA_LIKE = ['=HYPERLINK("http://example.cn","点此")', "-cmd|' /C calc'!A0", "+1+1", "@SUM(1)"]
PLAIN = ["-10%", "+5", "-", "≥95%", "满意"]


def test_csv_text_that_starts_like_a_formula_is_not_run_by_an_office_suite(tmp_path, soffice):
    from office import convert

    form = ProjectForm(budget_unit="东莞市甲局", project_name="项目", file="f.xlsx", sheet="项目1",
                       indicators=[Indicator("年度", "满意度指标", "服务对象满意度指标", "满意度", v, "H9")
                                   for v in FORMULA_LIKE + PLAIN])
    collection = Collection.from_forms([form], [], 1)
    csv = exports.export_csv(collection, tmp_path / "tables")[1]
    unguarded = tmp_path / "unguarded.csv"
    collection.indicators.to_csv(unguarded, index=False, encoding="utf-8-sig")
    utf8_csv = "CSV:44,34,76,1"
    cells = {}
    for path in (csv, unguarded):
        book = openpyxl.load_workbook(convert(soffice, path, "xlsx", tmp_path / path.stem, infilter=utf8_csv))
        value_column = [c for c in next(book.active.iter_rows()) if c.value == "value"][0].column
        cells[path] = [row[value_column - 1] for row in book.active.iter_rows(min_row=2)]
    assert any(c.data_type == "f" for c in cells[unguarded])  # LibreOffice runs "=..." in a CSV
    assert all(c.data_type != "f" for c in cells[csv])
    assert [c.value for c in cells[csv][:len(FORMULA_LIKE)]] == [f"'{v}" for v in FORMULA_LIKE]
    assert [c.value for c in cells[csv][-3:]] == PLAIN[-3:]  # as typed (a signed number becomes a number)


def test_which_csv_text_counts_as_a_formula():
    texts = ["=1+1", "@SUM(1)", "+A1", "-cmd|x", "-(1)", "-5\n=1", "\t=1",  # run by Excel
             "=", "-", "+", "-10%", "+5", "-0.5", "1-2", "−1", "＝1", "满意", ""]  # shown as they are
    frame = pd.DataFrame({"text": pd.array(texts, dtype="str"), "number": range(len(texts))})
    guarded = exports._formulas_as_text(frame)
    assert guarded["text"].tolist() == [f"'{t}" for t in texts[:7]] + texts[7:]
    assert guarded["number"].tolist() == list(range(len(texts)))


def test_parquet_round_trip(tmp_path, collection):
    paths = exports.export_parquet(collection, tmp_path)
    for path, frame in zip(paths, (collection.projects, collection.indicators, collection.issues)):
        pd.testing.assert_frame_equal(pd.read_parquet(path), frame)


def test_sqlite_round_trip(tmp_path, collection, monkeypatch):
    monkeypatch.setattr(exports, "SQLITE_ROWS", 5)  # the indicators go in three slices
    db = exports.export_sqlite(collection, tmp_path / "round.db")
    with sqlite3.connect(db) as connection:
        tables = [r[0] for r in connection.execute("select name from sqlite_master where type='table' order by name")]
        assert tables == ["indicators", "issues", "projects"]
        for name in exports.TABLES:
            frame = getattr(collection, name)
            back = pd.read_sql(f"select * from {name}", connection)
            assert list(back.columns) == list(frame.columns)
            assert len(back) == len(frame)
        amounts = pd.read_sql("select annual_budget_wan from projects", connection)["annual_budget_wan"]
        pd.testing.assert_series_equal(amounts, collection.projects["annual_budget_wan"])
        assert connection.execute("select count(*) from projects where project_name='项目0'").fetchone() == (2,)
        back = pd.read_sql("select * from indicators", connection)
        pd.testing.assert_frame_equal(back, collection.indicators, check_dtype=False)
        types = dict(connection.execute("select name, type from pragma_table_info('projects')").fetchall())
        assert (types["annual_budget_wan"], types["year"], types["project_name"]) == ("REAL", "INTEGER", "TEXT")


def test_exports_refuse_to_overwrite_and_leave_nothing_half_written(tmp_path, collection):
    (tmp_path / "issues.csv").write_text("keep", encoding="utf-8")
    with pytest.raises(OutputExistsError):
        exports.export_csv(collection, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["issues.csv"]
    assert (tmp_path / "issues.csv").read_text(encoding="utf-8") == "keep"
    exports.export_csv(collection, tmp_path, force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["indicators.csv", "issues.csv", "projects.csv"]

    db = tmp_path / "round.db"
    db.write_bytes(b"keep")
    with pytest.raises(OutputExistsError):
        exports.export_sqlite(collection, db)
    assert db.read_bytes() == b"keep"
    exports.export_sqlite(collection, db, force=True)
    with sqlite3.connect(db) as connection:
        assert connection.execute("select count(*) from indicators").fetchone() == (12,)


def test_exports_hold_every_row_when_the_summary_splits(tmp_path, collection, monkeypatch):
    monkeypatch.setattr(summary_sheets, "EXCEL_MAX_ROWS", 5)
    write_summary(collection, tmp_path / "s.xlsx")
    exports.export_parquet(collection, tmp_path)
    assert len(pd.read_parquet(tmp_path / "indicators.parquet")) == len(collection.indicators) == 12


def test_a_full_disk_is_an_output_error_and_leaves_nothing_behind(tmp_path, monkeypatch):
    import pyarrow.parquet

    from sheetsync.errors import OutputError

    collection = Collection.from_forms([], [])

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(pd.DataFrame, "to_sql", full)
    with pytest.raises(OutputError, match="rounds.db.*disk is full"):
        exports.export_sqlite(collection, tmp_path / "rounds.db")

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pyarrow.parquet, "write_table", no_space)
    with pytest.raises(OutputError, match="projects.parquet：No space left on device"):
        exports.export_parquet(collection, tmp_path / "tables")

    import xlsxwriter.workbook

    monkeypatch.setattr(xlsxwriter.workbook, "ZipFile", no_space)
    with pytest.raises(OutputError, match="汇总.xlsx") as failed:
        write_summary(collection, tmp_path / "汇总.xlsx")
    # XlsxWriter leaves its constant-memory temporary files (anonymous ones) open when its
    # close fails: they are let go of here, not in a later test.
    del failed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == []
