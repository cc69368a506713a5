"""End to end: filled workbooks → collect → summary and exports, through the library and the CLI."""

from __future__ import annotations

import csv
import sqlite3

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from sheetsync.cli import app
from sheetsync.collect import collect
from sheetsync.headers import load_headers
from sheetsync.model import Indicator, ProjectForm
from sheetsync.summary import write_summary
from sheetsync.template import write_unit_workbook


@pytest.fixture
def inbox(tmp_path, spec):
    folder = tmp_path / "收回"
    folder.mkdir()
    tree = spec.tree("dongguan")
    indicators = [Indicator(period, l1.label, l1.level2[0], "完成率", "≥95%") for l1 in tree.level1 for period in spec.period_names]
    for unit, names in {"东莞市甲局": ["设备购置", "=1+1"], "东莞市乙局": ["展会补贴"]}.items():
        forms = [ProjectForm(budget_unit=unit, project_name=n, midterm_budget_wan=30.0, annual_budget_wan=10.5,
                             midterm_goal="@SUM(1)", annual_goal="按期完成", indicators=indicators) for n in names]
        write_unit_workbook(folder / f"{unit}.xlsx", forms, year=2021, budget_unit=unit)
    return folder


def _roster(path, spec, rows):
    labels = {c.name: c.label.text for c in spec.roster}
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([labels["budget_unit"], labels["project_name"]])
        writer.writerows(rows)


def test_collected_workbooks_summarised(tmp_path, inbox):
    h = load_headers()
    collection = collect([inbox])
    assert len(collection.projects) == 3
    book = openpyxl.load_workbook(write_summary(collection, tmp_path / "汇总.xlsx"), data_only=True)
    rows = list(book[h.sheet("projects")].iter_rows(values_only=True))
    header = rows[0]
    got = pd.DataFrame(rows[1:-1], columns=header)
    columns = ["budget_unit", "project_name", "annual_budget_wan", "midterm_goal"]
    expected = collection.projects[columns].set_axis(h.columns(columns), axis=1)
    pd.testing.assert_frame_equal(got[h.columns(columns)], expected, check_dtype=False)
    assert rows[-1][header.index(h.column("annual_budget_wan"))] == pytest.approx(31.5)
    names = [c for c in book[h.sheet("projects")]["B"] if c.value == "=1+1"]
    assert len(names) == 1 and names[0].data_type == "s"


def test_cli_collect_writes_what_the_library_writes(tmp_path, inbox, spec):
    h = load_headers()
    roster = tmp_path / "名单.csv"
    _roster(roster, spec, [["东莞市甲局", "设备购置"], ["东莞市丙局", "未交项目"]])
    out = tmp_path / "out"
    args = ["collect", str(inbox), "-o", str(out / "汇总.xlsx"), "--roster", str(roster), "--csv", str(out / "csv"),
            "--parquet", str(out / "parquet"), "--sqlite", str(out / "t.db"), "--jobs", "1", "--quiet"]
    result = CliRunner().invoke(app, args)
    collection = collect([inbox])
    assert result.exit_code == (1 if collection.error_count else 0), result.output
    assert collection.summary_line(collection.file_count) in result.output
    assert "对照名单：已提交1项，未提交1项，重复提交0项，名单外2项" in result.output
    status = list(openpyxl.load_workbook(out / "汇总.xlsx")[h.sheet("status")].iter_rows(values_only=True))[1:]
    assert sorted(r[0] for r in status) == sorted([h.status("submitted"), h.status("missing"),
                                                   h.status("outside"), h.status("outside")])
    pd.testing.assert_frame_equal(pd.read_parquet(out / "parquet" / "indicators.parquet"), collection.indicators)
    with sqlite3.connect(out / "t.db") as connection:
        assert connection.execute("select count(*) from projects").fetchone() == (3,)
    # A second run without --force refuses and leaves the outputs alone.
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 1 and "--force" in again.output
    assert CliRunner().invoke(app, [*args, "--force"]).exit_code == result.exit_code


def test_cli_feedback(tmp_path, inbox):
    result = CliRunner().invoke(app, ["feedback", str(inbox), "-o", str(tmp_path / "反馈")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "反馈").iterdir()) == ["东莞市乙局_反馈.xlsx", "东莞市甲局_反馈.xlsx"]
    assert "已写出2个反馈文件" in result.output
    assert f"{inbox / '东莞市甲局.xlsx'} -> {tmp_path / '反馈' / '东莞市甲局_反馈.xlsx'}" in result.output
