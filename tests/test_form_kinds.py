"""A second form kind is a spec file: an annual-only form (tests/specs/annual_only.toml), which
no code knows of, is written, filled, read and summarised beside the Dongguan form."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from sheetsync import reader, spec
from sheetsync.collect import collect
from sheetsync.headers import load_headers
from sheetsync.summary import write_summary
from sheetsync.template import write_template

SPECS = Path(__file__).parent / "specs"


@pytest.fixture
def annual_only(tmp_path, monkeypatch):
    """A templates folder holding the shipped specs and the annual-only one; its spec."""
    folder = tmp_path / "templates"
    shutil.copytree(spec.templates_dir(), folder)
    shutil.copy(SPECS / "annual_only.toml", folder)
    monkeypatch.setattr(spec, "templates_dir", lambda: folder)
    reader.form_specs.cache_clear()
    yield spec.load_spec("annual_only")
    reader.form_specs.cache_clear()


def _fill(path: Path, out: Path, projects: list[tuple[str, float, list[tuple[str, str, str]]]]) -> Path:
    """Fill the template's project sheets: name, annual amount, goal, and (二级 prefix, 三级, 指标值) rows."""
    book = openpyxl.load_workbook(path)
    for sheet, (name, amount, rows) in zip(book.worksheets[1:], projects):
        sheet["B4"], sheet["E4"], sheet["B6"] = name, amount, "完成年度工作"
        for level2, level3, value in rows:
            row = next(r for r in range(8, sheet.max_row + 1) if str(sheet.cell(r, 3).value or "").startswith(level2))
            sheet.cell(row, 4).value, sheet.cell(row, 5).value = level3, value
    book.save(out)
    return out


def test_an_annual_only_form_is_written_from_its_spec(tmp_path, annual_only):
    path = write_template(tmp_path / "t.xlsx", year=2026, unit="东莞市某局", count=2, form="annual_only")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[1]
    assert sheet["A1"].value == "项目支出年度绩效目标表"
    assert sheet["D4"].value == annual_only.label_of("annual_budget_wan")
    assert sheet["E7"].value == annual_only.indicators.periods[0].value.label.text
    assert sheet.max_column == 5
    instructions = "\n".join(str(c.value) for c in book.worksheets[0]["A"] if c.value)
    assert "中期" not in instructions


def test_an_annual_only_round_is_read_and_summarised_without_midterm_columns(tmp_path, annual_only):
    template = write_template(tmp_path / "t.xlsx", year=2026, unit="东莞市某局", count=2, form="annual_only")
    inbox = tmp_path / "收回"
    inbox.mkdir()
    _fill(template, inbox / "某局.xlsx", [
        ("培训项目", 12.5, [("数量", "培训场次", "≥3场"), ("质量", "合格率", "≥95%"), ("社会", "覆盖面", "有效"),
                          ("服务对象", "满意度", "≥90%")]),
        ("运维项目", 7.5, [("时效", "响应时间", "≤2小时"), ("社会", "系统可用", "有效"), ("服务对象", "满意度", "≥85%")]),
    ])
    result = collect([inbox], jobs=1)
    assert result.projects[["form", "project_name", "annual_budget_wan"]].values.tolist() == [
        ["annual_only", "培训项目", 12.5], ["annual_only", "运维项目", 7.5]]
    assert result.projects["midterm_budget_wan"].isna().all() and (result.projects["midterm_goal"] == "").all()
    assert set(result.indicators["period"]) == {"年度"}
    assert result.indicators["value"].tolist() == ["≥3场", "≥95%", "有效", "≥90%", "≤2小时", "有效", "≥85%"]
    assert result.error_count == 0, result.issues

    h = load_headers("annual_only")
    book = openpyxl.load_workbook(write_summary(result, tmp_path / "汇总.xlsx"), data_only=True)
    projects = [c.value for c in book[h.sheet("projects")][1]]
    assert h.column("annual_budget_wan") in projects
    assert not any("中期" in str(header) for header in projects if header)
    rows = list(book[h.sheet("projects")].iter_rows(values_only=True))
    assert rows[-1][projects.index(h.column("annual_budget_wan"))] == 20.0
    units = [c.value for c in book[h.sheet("units")][1]]
    assert not any("中期" in str(header) for header in units if header)
    structure = [c.value for c in book[h.sheet("structure")][1]]
    assert [header for header in structure if header and "指标数" in header] == ["年度指标数", "年度定量指标数", "年度定性指标数"]


def test_the_dongguan_forms_read_the_same_with_a_second_kind_beside_them(tmp_path, annual_only):
    forms = Path(__file__).parents[1] / "examples" / "forms"
    result = collect([forms], jobs=1)
    assert set(result.projects["form"]) == {"dongguan_approval"}
    assert len(result.projects) == 16 and result.error_count == 0


def test_feedback_marks_an_annual_only_form(tmp_path, annual_only):
    from sheetsync.feedback import write_feedback

    template = write_template(tmp_path / "t.xlsx", year=2026, unit="东莞市某局", count=1, form="annual_only")
    inbox = tmp_path / "收回"
    inbox.mkdir()
    _fill(template, inbox / "某局.xlsx", [("培训项目", -1.0, [("数量", "培训场次", "≥3场")])])
    (written,) = write_feedback([inbox], tmp_path / "反馈")
    sheet = openpyxl.load_workbook(written)["项目1"]
    assert sheet["E4"].comment is not None and "【sheetsync】" in sheet["E4"].comment.text


def test_a_roster_prefills_the_annual_only_form_and_its_other_columns_are_passed_over(tmp_path, annual_only):
    from sheetsync.reader import read_workbook
    from sheetsync.template import write_templates_from_roster

    roster = Path(__file__).parents[1] / "examples" / "roster.csv"  # it has a 中期 column too
    [path] = write_templates_from_roster(roster, tmp_path / "out", year=2021, form="annual_only")
    projects = read_workbook(path).projects
    assert set(projects["form"]) == {"annual_only"} and len(projects) == 16
    assert projects.set_index("project_name").loc["办公及业务场所租金", "annual_budget_wan"] == 22.0
    assert projects["midterm_budget_wan"].isna().all()
