"""The summary workbook, opened with openpyxl: sheets, headers, totals, safety, statuses."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace

import openpyxl
import pytest

from sheetsync import summary_chart, summary_sheets
from sheetsync.errors import OutputExistsError
from sheetsync.headers import load_headers
from sheetsync.identity import SUMMARY_MARK
from sheetsync.issues import issue
from sheetsync.model import Collection, Indicator, ProjectForm
from sheetsync.summary import write_summary
from sheetsync.summary_tables import INDICATOR_TABLE, ISSUE_TABLE, PROJECT_TABLE, UNIT_TABLE

from office import convert, pdf_page_count

HOSTILE = ['=HYPERLINK("http://x","y")', "=1+1", "@SUM(1)", "+1", "-1", "http://example.com"]


def _form(unit: str, name: str, midterm: float, annual: float, *, code: str = "", file: str = "",
          sheet: str = "项目1", goal: str = "完成年度工作", generated_at: str = "", values=("≥95%", "有效")) -> ProjectForm:
    return ProjectForm(
        budget_unit=unit, project_name=name, project_code=code, year=2021, midterm_period="2021年--2023年",
        midterm_budget_wan=midterm, annual_budget_wan=annual, midterm_goal=goal, annual_goal=goal,
        file=file or f"{name}.xlsx", sheet=sheet, generated_at=generated_at,
        indicators=[
            Indicator("中期", "预期产出指标", "质量指标", "验收合格率", values[0], "E8"),
            Indicator("年度", "预期产出指标", "质量指标", "验收合格率", values[0], "H8"),
            Indicator("年度", "满意度指标", "服务对象满意度指标", "企业满意度", values[1], "H9"),
        ],
    )


@pytest.fixture
def forms() -> list[ProjectForm]:
    return [
        _form("东莞市甲局", "办公设备购置", 30.0, 10.25),
        _form("东莞市甲局", "信息系统运维", 12.5, 4.5, goal=HOSTILE[0]),
        _form("东莞市乙局", "展会补贴", 100.0, 40.0, values=(HOSTILE[1], HOSTILE[2])),
        _form("东莞市乙局", HOSTILE[3], 1.0, 0.5, goal=HOSTILE[4]),
        _form("东莞市丙局", "培训", 2.0, float("nan"), goal=HOSTILE[5]),
    ]


@pytest.fixture
def collection(forms) -> Collection:
    problems = [
        issue("missing_field", file="信息系统运维.xlsx", sheet="项目1", cell="B6", field="midterm_goal", label="中期滚动目标"),
        issue("amount_in_yuan", file="展会补贴.xlsx", sheet="项目1", cell="F4", field="midterm_budget_wan",
              label="中期市财政预算（万元）", value=HOSTILE[1]),
        issue("corrupt_file", file="坏文件.xlsx", detail="=1+1"),
    ]
    return Collection.from_forms(forms, problems, file_count=6)


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def _header(sheet) -> list:
    return [c for c in _rows(sheet)[0] if c is not None]


def test_sheets_and_headers_come_from_the_spec(tmp_path, collection, spec):
    h = load_headers()
    path = write_summary(collection, tmp_path / "汇总.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [h.sheet(k) for k in ("projects", "indicators", "units", "structure", "issues", "chart")]
    projects = book[h.sheet("projects")]
    level1 = [spec.tree("dongguan").level1[0].label, spec.tree("dongguan").level1[2].label]
    assert _header(projects)[:len(PROJECT_TABLE)] == [h.column(c) for c in PROJECT_TABLE]
    assert spec.field("annual_budget_wan").label.text in _header(projects)
    assert _header(projects)[len(PROJECT_TABLE):len(PROJECT_TABLE) + 2] == [h.level1_count(l1) for l1 in level1]
    assert _header(book[h.sheet("indicators")]) == [h.column(c) for c in INDICATOR_TABLE]
    assert spec.indicators.level1.label.text in _header(book[h.sheet("indicators")])
    assert _header(book[h.sheet("units")]) == [h.column(c) for c in UNIT_TABLE]
    assert _header(book[h.sheet("issues")]) == [h.column(c) for c in ISSUE_TABLE + ["note"]]
    structure = _header(book[h.sheet("structure")])
    assert structure[:2] == [h.column("level1"), h.column("level2")]
    assert structure[2] == h.period_count(spec.period_names[0], "indicators")
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
    assert projects.auto_filter.ref == "A1:Q6"
    assert {p.name: p.value for p in book.custom_doc_props.props} == dict([SUMMARY_MARK])


def test_rows_and_totals_equal_the_inputs(tmp_path, collection, forms):
    h = load_headers()
    path = write_summary(collection, tmp_path / "汇总.xlsx")
    book = openpyxl.load_workbook(path, data_only=True)
    rows = _rows(book[h.sheet("projects")])
    header, body, total = rows[0], rows[1:-1], rows[-1]
    assert len(body) == len(forms)
    annual = header.index(h.column("annual_budget_wan"))
    midterm = header.index(h.column("midterm_budget_wan"))
    assert total[0] == h.text("total")
    assert total[midterm] == pytest.approx(sum(f.midterm_budget_wan for f in forms))
    assert total[annual] == pytest.approx(sum(f.annual_budget_wan for f in forms if f.annual_budget_wan == f.annual_budget_wan))
    assert total[header.index(h.column("indicators"))] == sum(len(f.indicators) for f in forms)
    assert total[header.index(h.column("errors"))] == 1 and total[header.index(h.column("warnings"))] == 1
    for level1 in ("预期产出指标", "满意度指标"):
        assert total[header.index(h.level1_count(level1))] == sum(
            1 for f in forms for i in f.indicators if i.level1 == level1)
    assert [r[annual] for r in body] == [10.25, 4.5, 40.0, 0.5, None]
    assert [r[header.index(h.column("year"))] for r in body] == [2021] * len(forms)

    units = _rows(book[h.sheet("units")])
    by_unit = {r[0]: r for r in units[1:-1]}
    assert by_unit["东莞市甲局"][1:5] == (2, 0, 42.5, 14.75)
    assert units[-1][3] == pytest.approx(sum(f.midterm_budget_wan for f in forms))
    assert len(_rows(book[h.sheet("indicators")])) == 1 + sum(len(f.indicators) for f in forms)
    structure = _rows(book[h.sheet("structure")])
    ind = collection.indicators
    expected = []
    for period in ("中期", "年度"):
        kinds = ind.loc[ind["period"] == period, "value_kind"]
        expected += [len(kinds), int((kinds == "定量").sum()), int((kinds == "定性").sum())]
    assert list(structure[-1][2:]) == expected

    # The formulas in the total row sum the rows above them.
    formulas = openpyxl.load_workbook(path)[h.sheet("projects")]
    assert formulas.cell(len(rows), annual + 1).value == f"=SUBTOTAL(109,F2:F{len(rows) - 1})"


def test_a_unit_spelt_two_ways_is_one_unit_with_all_its_files_problems(tmp_path):
    h = load_headers()
    forms = [_form("东莞市甲局", "办公设备购置", 30.0, 10.0, file="甲.xlsx"),
             _form("东莞市 甲局", "培训", 2.0, 1.0, file="甲2.xlsx"),
             _form("东莞市乙局", "展会补贴", 100.0, 40.0, file="乙.xlsx")]
    problems = [issue("identity_mismatch", file="甲.xlsx", sheet="宣传", field="project_name", detail="删除"),
                issue("missing_field", file="乙.xlsx", sheet="项目1", cell="B6", field="midterm_goal", label="中期滚动目标")]
    path = write_summary(Collection.from_forms(forms, problems), tmp_path / "汇总.xlsx")
    units = _rows(openpyxl.load_workbook(path, data_only=True)[h.sheet("units")])
    header = units[0]
    by_unit = {r[0]: r for r in units[1:-1]}
    assert list(by_unit) == ["东莞市甲局", "东莞市乙局"]
    assert by_unit["东莞市甲局"][header.index(h.column("projects"))] == 2
    assert by_unit["东莞市甲局"][header.index(h.column("midterm_budget_wan"))] == 32.0
    assert [by_unit[u][header.index(h.column("errors"))] for u in by_unit] == [1, 1]


def test_department_text_arrives_as_text(tmp_path, collection):
    h = load_headers()
    path = write_summary(collection, tmp_path / "汇总.xlsx")
    book = openpyxl.load_workbook(path)
    seen = set()
    for sheet in book.worksheets:
        assert not sheet._hyperlinks
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                assert cell.hyperlink is None
                if isinstance(cell.value, str) and cell.value in HOSTILE:
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                    seen.add(cell.value)
    assert seen == set(HOSTILE)
    issues = _rows(book[h.sheet("issues")])
    assert any("=1+1" in str(r[ISSUE_TABLE.index("message")]) for r in issues[1:])
    with zipfile.ZipFile(path) as z:
        sheets_xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    formulas = re.findall(r"<f>(.*?)</f>", sheets_xml)
    assert formulas and all(f.startswith("SUBTOTAL(109,") for f in formulas)
    assert "<hyperlink" not in sheets_xml


def test_problem_rows_are_highlighted(tmp_path, collection):
    h = load_headers()
    book = openpyxl.load_workbook(write_summary(collection, tmp_path / "汇总.xlsx"))
    projects = book[h.sheet("projects")]
    fills = {projects.cell(r, 2).value: projects.cell(r, 2).fill.fgColor.rgb for r in range(2, 7)}
    assert fills["信息系统运维"].endswith(summary_sheets.FILLS["error"][1:])
    assert fills["展会补贴"].endswith(summary_sheets.FILLS["warning"][1:])
    assert fills["办公设备购置"] in (None, "00000000")
    amount = projects.cell(2, PROJECT_TABLE.index("annual_budget_wan") + 1)
    assert amount.number_format == "0.00"


def test_existing_output_needs_force(tmp_path, collection):
    path = tmp_path / "汇总.xlsx"
    path.write_bytes(b"keep me")
    with pytest.raises(OutputExistsError):
        write_summary(collection, path)
    assert path.read_bytes() == b"keep me"
    write_summary(collection, path, force=True)
    assert openpyxl.load_workbook(path).sheetnames
    assert [p.name for p in tmp_path.iterdir()] == ["汇总.xlsx"]


def test_indicators_continue_on_further_sheets(tmp_path, collection, monkeypatch):
    h = load_headers()
    monkeypatch.setattr(summary_sheets, "EXCEL_MAX_ROWS", 7)  # 6 rows under the header
    monkeypatch.setattr(summary_sheets, "BLOCK_ROWS", 4)  # blocks that straddle the sheets
    book = openpyxl.load_workbook(write_summary(collection, tmp_path / "汇总.xlsx"))
    names = [h.sheet("indicators"), h.continued_sheet("indicators", 2), h.continued_sheet("indicators", 3)]
    assert [n for n in book.sheetnames if n.startswith(h.sheet("indicators"))] == names
    assert names[1] == "绩效指标 (2)"
    rows = [r for name in names for r in _rows(book[name])[1:]]
    assert len(rows) == len(collection.indicators) == 15
    assert [len(_rows(book[n])) - 1 for n in names] == [6, 6, 3]
    expected = collection.indicators[INDICATOR_TABLE[:8]].values.tolist()
    assert [[v or "" for v in r[:8]] for r in rows] == expected
    first_header = _rows(book[names[0]])[0]
    assert any(v and names[1] in v and names[2] in v for v in first_header)
    assert any(v and names[1] in v for v in _rows(book[h.sheet("projects")])[0])
    assert not any(v and names[1] in str(v) for v in _rows(book[names[1]])[0])


def test_issues_continue_on_further_sheets(tmp_path, collection, monkeypatch):
    h = load_headers()
    monkeypatch.setattr(summary_sheets, "EXCEL_MAX_ROWS", 3)  # 2 rows under the header
    book = openpyxl.load_workbook(write_summary(collection, tmp_path / "汇总.xlsx"))
    names = [h.sheet("issues"), h.continued_sheet("issues", 2)]
    assert [n for n in book.sheetnames if n.startswith(h.sheet("issues"))] == names == ["问题清单", "问题清单 (2)"]
    rows = [r for name in names for r in _rows(book[name])[1:]]
    assert [r[ISSUE_TABLE.index("code")] for r in rows] == collection.issues["code"].tolist()
    assert any(v and "问题清单共3行" in v and names[1] in v for v in _rows(book[names[0]])[0])


def _chart_xml(path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/charts/chart1.xml").decode()


def test_chart_by_project_then_by_unit(tmp_path, collection, forms, monkeypatch):
    h = load_headers()
    path = write_summary(collection, tmp_path / "a.xlsx")
    chart = openpyxl.load_workbook(path)[h.sheet("chart")]
    assert [r[0] for r in _rows(chart)[1:]] == [f.project_name for f in forms]
    assert "<c:barChart>" in _chart_xml(path) and h.text("chart_by_project") in _chart_xml(path)

    many = [_form(f"单位{i % 40:02d}", f"项目{i}", 10.0, float(i)) for i in range(80)]
    path = write_summary(Collection.from_forms(many, [], 80), tmp_path / "b.xlsx")
    rows = _rows(openpyxl.load_workbook(path, data_only=True)[h.sheet("chart")])[1:]
    assert len(rows) == summary_chart.MAX_BARS
    assert rows[0] == ("单位39", 39.0 + 79.0) and rows[-1][0] == h.text("chart_other")
    assert sum(r[1] for r in rows) == pytest.approx(sum(range(80)))
    assert h.text("chart_by_unit") in _chart_xml(path)


def test_chart_bars_of_one_project_name_in_two_units_say_whose(tmp_path):
    same = [_form("东莞市甲局", "培训", 2.0, 1.0), _form("东莞市乙局", "培训", 3.0, 2.0), _form("东莞市乙局", "印刷", 1.0, 0.5)]
    path = write_summary(Collection.from_forms(same, [], 3), tmp_path / "a.xlsx")
    rows = _rows(openpyxl.load_workbook(path)[load_headers().sheet("chart")])[1:]
    assert [r[0] for r in rows] == ["培训（东莞市甲局）", "培训（东莞市乙局）", "印刷"]


def test_empty_collection(tmp_path):
    h = load_headers()
    path = write_summary(Collection.from_forms([], [], 0), tmp_path / "empty.xlsx")
    book = openpyxl.load_workbook(path)
    assert h.sheet("chart") not in book.sheetnames
    assert _header(book[h.sheet("projects")])[0] == h.column("budget_unit")


def _roster(path, spec, rows) -> None:
    labels = {c.name: c.label.text for c in spec.roster}
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([labels["budget_unit"], labels["project_name"], labels["project_code"]])
        writer.writerows(rows)


def test_submission_status_against_the_roster(tmp_path, spec):
    h = load_headers()
    older, newer = "2026-01-05T09:00:00+08:00", "2026-02-01T09:00:00+08:00"
    found = [
        _form("东莞市甲局", "办公设备购置", 30.0, 10.0, file="甲局_第二版.xlsx", generated_at=newer),
        _form("东莞市甲局", "办公设备购置", 30.0, 99.0, file="甲局_第一版.xlsx", generated_at=older),
        _form("东莞市乙局", "展会补贴", 100.0, 40.0, code="DG-002"),
        _form("东莞市丁局", "不在名单的项目", 5.0, 1.0),
    ]
    roster = tmp_path / "名单.csv"
    _roster(roster, spec, [["东莞市甲局", "办公设备购置", ""], ["东莞市乙局", "展会补贴（改名）", "DG-002"],
                           ["东莞市丙局", "没交的项目", ""]])
    path = write_summary(Collection.from_forms(found, [], 4), tmp_path / "汇总.xlsx", roster=roster)
    book = openpyxl.load_workbook(path, data_only=True)
    status = _rows(book[h.sheet("status")])
    assert status[0] == tuple(h.column(c) for c in ("status", "roster_row", "budget_unit", "project_name",
                                                   "project_code", "file", "sheet", "note"))
    got = [(r[0], r[1], r[3], r[5]) for r in status[1:]]
    assert got == [
        (h.status("submitted"), 2, "办公设备购置", "甲局_第二版.xlsx"),
        (h.status("duplicate"), 2, "办公设备购置", "甲局_第一版.xlsx"),
        (h.status("submitted"), 3, "展会补贴", "展会补贴.xlsx"),
        (h.status("missing"), 4, "没交的项目", None),
        (h.status("outside"), None, "不在名单的项目", "不在名单的项目.xlsx"),
    ]
    assert "甲局_第二版.xlsx" in status[2][7]
    # Only the winning copy is summed.
    projects = _rows(book[h.sheet("projects")])
    annual = projects[0].index(h.column("annual_budget_wan"))
    assert [r[annual] for r in projects[1:-1]] == [10.0, 40.0, 1.0]
    assert len(_rows(book[h.sheet("indicators")])) == 1 + 3 * 3


def test_units_against_the_roster_include_those_that_sent_nothing(tmp_path, spec):
    h = load_headers()
    found = [_form("东莞市甲局", "办公设备购置", 30.0, 10.0), _form("东莞市丁局", "不在名单的项目", 5.0, 1.0)]
    roster = tmp_path / "名单.csv"
    _roster(roster, spec, [["东莞市甲局", "办公设备购置", ""], ["东莞市甲局", "没交的项目", ""],
                           ["东莞市丙局", "没交的项目", ""], ["东莞市 丙局", "也没交", ""]])
    path = write_summary(Collection.from_forms(found, [], 2), tmp_path / "汇总.xlsx", roster=roster)
    rows = _rows(openpyxl.load_workbook(path, data_only=True)[h.sheet("units")])
    columns = ["budget_unit", "roster_projects", "projects", "missing_projects", "blank_projects", "annual_budget_wan"]
    at = [rows[0].index(h.column(c)) for c in columns]
    assert [tuple(row[i] for i in at) for row in rows] == [
        tuple(h.column(c) for c in columns),
        ("东莞市甲局", 2, 1, 1, 0, 10.0),
        ("东莞市丁局", 0, 1, 0, 0, 1.0),
        ("东莞市丙局", 2, 0, 2, 0, None),
        (h.text("total"), 4, 2, 3, 0, 11.0),
    ]


def test_a_unit_the_forms_spell_otherwise_counts_under_the_rosters_name(tmp_path, spec):
    h = load_headers()
    found = [_form("教育局", "学生资助专项", 30.0, 10.0), _form("教育局", "校舍维修改造", 60.0, 20.0),
             _form("东莞市 甲局", "办公设备购置", 5.0, 1.0)]
    problem = issue("missing_year", file=found[0].file, sheet=found[0].sheet)
    roster = tmp_path / "名单.csv"
    _roster(roster, spec, [["东莞市教育局", "学生资助专项", ""], ["东莞市教育局", "校舍维修改造", ""],
                           ["东莞市甲局", "办公设备购置", ""]])
    path = write_summary(Collection.from_forms(found, [problem], 1), tmp_path / "汇总.xlsx", roster=roster)
    rows = _rows(openpyxl.load_workbook(path, data_only=True)[h.sheet("units")])
    columns = ["budget_unit", "roster_projects", "projects", "missing_projects", "annual_budget_wan", "warnings"]
    at = [rows[0].index(h.column(c)) for c in columns]
    assert [tuple(row[i] for i in at) for row in rows[1:]] == [
        ("东莞市教育局", 2, 2, 0, 30.0, 1), ("东莞市甲局", 1, 1, 0, 1.0, 0), (h.text("total"), 3, 3, 0, 31.0, 1)]


def test_a_file_a_unit_sent_that_could_not_be_read_counts_in_its_units_errors(tmp_path, spec):
    h = load_headers()
    found = [_form("东莞市甲局", "办公设备购置", 30.0, 10.0, file="收回/东莞市甲局.xlsx")]
    problems = [issue("corrupt_file", file="收回/东莞市甲局(补充).xlsx", detail="zip损坏"),
                issue("corrupt_file", file="收回/东莞市丙局.xlsx", detail="zip损坏"),
                issue("lock_file", file="收回/~$东莞市丙局.xlsx")]
    collection = Collection.from_forms(found, problems, 3)
    roster = tmp_path / "名单.csv"
    _roster(roster, spec, [["东莞市甲局", "办公设备购置", ""], ["东莞市丙局", "没交的项目", ""]])
    for given in (None, roster):
        path = write_summary(collection, tmp_path / f"汇总{given is None}.xlsx", roster=given)
        rows = _rows(openpyxl.load_workbook(path, data_only=True)[h.sheet("units")])
        at = [rows[0].index(h.column(c)) for c in ("budget_unit", "errors")]
        expected = [("东莞市甲局", 1)] + ([("东莞市丙局", 1)] if given else []) + [(h.text("total"), 1 + bool(given))]
        assert [tuple(row[i] for i in at) for row in rows[1:]] == expected, given


def test_a_project_on_two_sheets_of_one_file_counts_its_warning_on_the_row_used(tmp_path):
    h = load_headers()
    found = [_form("甲", "项目", 1.0, 1.0, file="a.xlsx", sheet="项目"),
             _form("甲", "项目", 1.0, 1.0, file="a.xlsx", sheet="项目 (2)")]
    twice = issue("project_twice_in_file", file="a.xlsx", sheet="项目 (2)", other="项目", project="项目", used="项目")
    path = write_summary(Collection.from_forms(found, [twice], 1), tmp_path / "汇总.xlsx")
    book = openpyxl.load_workbook(path, data_only=True)
    for key in ("projects", "units"):
        rows = _rows(book[h.sheet(key)])
        warnings = rows[0].index(h.column("warnings"))
        assert [row[warnings] for row in rows[1:]] == [1, 1], key


def test_duplicates_are_listed_without_a_roster(tmp_path):
    h = load_headers()
    found = [_form("甲", "项目", 1.0, 1.0, file="a.xlsx", generated_at="2026-01-01T00:00:00"),
             _form("甲", "项目", 1.0, 1.0, file="b.xlsx", generated_at="2026-03-01T00:00:00")]
    book = openpyxl.load_workbook(write_summary(Collection.from_forms(found, [], 2), tmp_path / "s.xlsx"))
    status = _rows(book[h.sheet("status")])[1:]
    assert [(r[0], r[5]) for r in status] == [(h.status("submitted"), "b.xlsx"), (h.status("duplicate"), "a.xlsx")]


def test_the_problems_of_a_copy_not_used_say_which_copy_was(tmp_path):
    # The department corrected its form and sent it again: the old copy's errors need no correcting.
    h = load_headers()
    found = [_form("甲", "项目", 1.0, 1.0, file="收回/a.xlsx", generated_at="2026-01-01T00:00:00"),
             _form("甲", "项目", 1.0, 1.0, file="收回/b.xlsx", generated_at="2026-03-01T00:00:00")]
    problems = [issue("missing_field", file="收回/a.xlsx", sheet="项目1", cell="B6", field="midterm_goal", label="中期滚动目标"),
                issue("corrupt_file", file="收回/c.xlsx", detail="截断")]
    book = openpyxl.load_workbook(write_summary(Collection.from_forms(found, problems, 3), tmp_path / "s.xlsx"))
    notes = [r[-1] for r in _rows(book[h.sheet("issues")])[1:]]
    assert notes == [h.status_note("superseded", winner="收回/b.xlsx", winner_sheet="项目1"), None]


def test_a_form_sent_back_blank_is_filtered_out_of_the_totals_and_counted_apart(tmp_path):
    # The roster's amounts come prefilled: a template returned as it came holds nothing else.
    h = load_headers()
    blank = replace(_form("东莞市甲局", "没填的项目", 50.0, 20.0, sheet="项目2", goal=""), indicators=[])
    found = [_form("东莞市甲局", "办公设备购置", 30.0, 10.0), blank, _form("东莞市乙局", "展会补贴", 100.0, 40.0)]
    path = write_summary(Collection.from_forms(found, [], 3), tmp_path / "汇总.xlsx")
    book = openpyxl.load_workbook(path, data_only=True)

    sheet = book[h.sheet("projects")]
    rows = _rows(sheet)
    header, body, total = rows[0], rows[1:-1], rows[-1]
    column = header.index(h.column("blank"))
    assert [r[column] for r in body] == [None, h.text("blank_form"), None]
    assert [sheet.row_dimensions[r].hidden for r in (2, 3, 4)] == [False, True, False]
    (shown,) = sheet.auto_filter.filterColumn
    assert shown.colId == column and shown.filters.blank
    assert total[header.index(h.column("annual_budget_wan"))] == 50.0
    assert total[header.index(h.column("midterm_budget_wan"))] == 130.0
    assert h.text("blank_note", count=1, column=h.column("blank")) in header

    units = {r[0]: r for r in _rows(book[h.sheet("units")])[1:-1]}
    assert units["东莞市甲局"][1:5] == (1, 1, 30.0, 10.0)
    status = [(r[0], r[3]) for r in _rows(book[h.sheet("status")])[1:]]
    assert (h.status("missing"), "没填的项目") in status
    assert [r[0] for r in _rows(book[h.sheet("chart")])[1:]] == ["办公设备购置", "展会补贴"]


@pytest.mark.office
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_libreoffice_leaves_the_blank_form_out_of_the_printed_projects(tmp_path, soffice):
    blank = replace(_form("东莞市甲局", "没填的项目", 50.0, 20.0, sheet="项目2", goal=""), indicators=[])
    found = [_form("东莞市甲局", "办公设备购置", 30.0, 10.0), blank]
    pdf = convert(soffice, write_summary(Collection.from_forms(found, [], 2), tmp_path / "s.xlsx"), "pdf", tmp_path)
    first_page = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
                                capture_output=True, text=True, check=True).stdout
    assert "办公设备购置" in first_page and "没填的项目" not in first_page


def test_without_blank_forms_nothing_is_filtered(tmp_path, collection):
    h = load_headers()
    sheet = openpyxl.load_workbook(write_summary(collection, tmp_path / "s.xlsx"))[h.sheet("projects")]
    assert not sheet.auto_filter.filterColumn
    assert h.sheet("status") not in sheet.parent.sheetnames


@pytest.mark.office
def test_libreoffice_converts_the_summary_to_pdf(tmp_path, collection, soffice):
    path = write_summary(collection, tmp_path / "summary.xlsx")
    pdf = convert(soffice, path, "pdf", tmp_path / "pdf")
    # Each table fits the page's width: one page a sheet for these few rows (the chart's too).
    assert pdf_page_count(pdf) == len(openpyxl.load_workbook(path).sheetnames)


def test_tables_print_landscape_fitted_to_the_width_on_a4_or_a3_when_wide(tmp_path, collection):
    book = openpyxl.load_workbook(write_summary(collection, tmp_path / "summary.xlsx"))
    h = load_headers()
    papers = {}
    for sheet in book.worksheets:
        setup = sheet.page_setup
        # fitToWidth is 1 when the attribute is left out, as XlsxWriter does.
        assert (setup.orientation, setup.fitToWidth or 1, setup.fitToHeight) == ("landscape", 1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_title_rows == "$1:$1"
        papers[sheet.title] = setup.paperSize
    # Excel's paper codes: 8 is A3, 9 is A4.
    assert papers[h.sheet("projects")] == 8 and papers[h.sheet("issues")] == 9


def test_an_indicator_without_its_value_is_neither_quantitative_nor_qualitative():
    # Its three values: ≥95% twice (定量) and nothing (the clerk's level3_without_value): 2 of 2, not 2 of 3.
    from sheetsync.summary_tables import project_table, structure_table, unit_issue_counts, unit_table

    c = Collection.from_forms([_form("东莞市甲局", "培训", 2.0, 1.0, values=("≥95%", ""))], [])
    projects = project_table(c.projects, c.indicators, c.issues, ["预期产出指标", "满意度指标"])
    assert projects[["indicators", "quantitative_share"]].values.tolist() == [[3, 1.0]]
    assert unit_table(projects, c.indicators, unit_issue_counts(c.issues, c.projects, {}))["quantitative_share"].tolist() == [1.0]
    structure = structure_table(c.indicators, ["预期产出指标", "满意度指标"], load_headers().spec)
    assert structure[("年度", "qualitative")].sum() == 0 and structure[("年度", "indicators")].sum() == 2


def test_a_round_of_blank_forms_has_no_chart_and_a_unit_of_blank_forms_no_bar(tmp_path, monkeypatch):
    h = load_headers()

    def blank(unit: str, name: str) -> ProjectForm:
        return replace(_form(unit, name, 5.0, 1.0, goal=""), indicators=[])

    book = openpyxl.load_workbook(write_summary(Collection.from_forms([blank("甲局", "一"), blank("乙局", "二")], [], 2),
                                                tmp_path / "blank.xlsx"), data_only=True)
    assert h.sheet("chart") not in book.sheetnames
    units = [r[:5] for r in _rows(book[h.sheet("units")])[1:-1]]
    assert units == [("甲局", 0, 1, None, None), ("乙局", 0, 1, None, None)]

    monkeypatch.setattr(summary_chart, "MAX_BARS", 1)  # chart by unit
    book = openpyxl.load_workbook(write_summary(Collection.from_forms(
        [_form("甲局", "一", 5.0, 1.0), _form("甲局", "二", 5.0, 2.0), blank("乙局", "三")], [], 3),
        tmp_path / "by_unit.xlsx"), data_only=True)
    assert _rows(book[h.sheet("chart")])[1:] == [("甲局", 3.0)]


def test_the_api_refuses_a_summary_named_other_than_xlsx(tmp_path):
    from sheetsync.errors import OutputError

    with pytest.raises(OutputError, match="请给出以.xlsx结尾的文件名"):
        write_summary(Collection.from_forms([_form("甲", "项目", 1.0, 1.0)], [], 1), tmp_path / "汇总.xls")
    assert not (tmp_path / "汇总.xls").exists()
