"""Filled workbooks (write_unit_workbook): layout rules, text stays text, and the round trip
forms → workbook → reader gives the same projects and indicators."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest
import pandas as pd
from hypothesis import HealthCheck, given, settings, strategies as st

from sheetsync.collect import collect
from sheetsync.layout import choose_tree, group_indicators
from sheetsync.model import Collection, Indicator, ProjectForm
from sheetsync.reader import read_workbook
from sheetsync.spec import column_letter, load_spec
from sheetsync.names import unique_sheet_names
from sheetsync.headers import load_headers
from sheetsync.identity import not_for_projects
from sheetsync.template import write_template, write_templates_from_roster, write_unit_workbook

UNIT = "测试单位"
PROJECT_FIELDS = ["sheet", "budget_unit", "project_name", "midterm_period", "midterm_budget_wan", "annual_budget_wan",
                  "midterm_goal", "annual_goal", "approval_opinion", "year"]
INDICATOR_FIELDS = ["sheet", "period", "level1", "level2", "level3", "value"]


def by_table_group(df: pd.DataFrame) -> pd.DataFrame:
    """Indicators grouped by (sheet, period, 一级, 二级), keeping their order inside each group."""
    return df[INDICATOR_FIELDS].sort_values(INDICATOR_FIELDS[:4], kind="stable").reset_index(drop=True)


def assert_round_trip(forms: list[ProjectForm], path) -> Collection:
    got = read_workbook(path)
    expected = Collection.from_forms(forms, [])
    pd.testing.assert_frame_equal(got.projects[PROJECT_FIELDS].reset_index(drop=True),
                                  expected.projects[PROJECT_FIELDS].reset_index(drop=True))
    pd.testing.assert_frame_equal(by_table_group(got.indicators), by_table_group(expected.indicators))
    return got


def seed_forms() -> list[ProjectForm]:
    """The 16 seed forms as the importer reads them, with the sheet names the writer gives them."""
    from sheetsync.importer import read_text_file

    forms = [item.form for item in read_text_file("examples/seed_2021_dongguan_ccpit.txt").forms]
    for form, name in zip(forms, unique_sheet_names([f.project_name for f in forms], taken=not_for_projects(load_spec()))):
        form.sheet = name
    return forms


def test_seed_round_trip(tmp_path):
    forms = seed_forms()
    path = write_unit_workbook(tmp_path / "seed.xlsx", forms, year=2021, budget_unit=forms[0].budget_unit)
    got = assert_round_trip(forms, path)
    assert got.issues.empty, got.issues.to_dict(orient="records")


def test_seed_trees(spec):
    forms = seed_forms()
    assert [choose_tree(spec, f.indicators).key for f in forms] == ["dongguan"] * 15 + ["2020"]


def test_blank_templates_read_as_no_indicators(tmp_path):
    blank = write_template(tmp_path / "b.xlsx", year=2021, unit=UNIT, count=2)
    [roster] = write_templates_from_roster("examples/roster.csv", tmp_path / "r", year=2021)
    for path in (blank, roster):
        got = read_workbook(path)
        assert got.indicators.empty
        assert "unknown_template" not in set(got.issues["code"])
        # One no_indicators a sheet says it all: no empty_level1 for each 一级 and period besides.
        first = got.issues[got.issues["sheet"] == got.projects["sheet"].iloc[0]]
        assert first["code"].value_counts().get("no_indicators") == 1 and "empty_level1" not in set(first["code"])


def test_prefilled_amounts_typed_over_are_reported(tmp_path):
    [path] = write_templates_from_roster("examples/roster.csv", tmp_path / "r", year=2021)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[2]  # the second project: 办公及业务场所租金, 66.00 and 22.00
    sheet["F4"] = 99
    book.save(path)
    mismatches = read_workbook(path).issues.query("code == 'identity_mismatch'")
    assert mismatches[["sheet", "cell", "field"]].values.tolist() == [[sheet.title, "F4", "midterm_budget_wan"]]
    assert "应为“66”，现为“99”" in mismatches["message"].iloc[0]


def test_sheets_renamed_or_swapped_keep_their_projects_and_checks(tmp_path):
    [path] = write_templates_from_roster("examples/roster.csv", tmp_path / "r", year=2021)
    before = read_workbook(path).projects.set_index("project_name")["project_code"]
    book = openpyxl.load_workbook(path)
    first, second, third = book.worksheets[1:4]
    a, b = first.title, second.title
    first.title, second.title = "交换中", a  # the two tabs' names swapped
    first.title = b
    third.title = "改了名的表"
    third["F4"] = 99  # a prefilled amount typed over on the renamed sheet
    book.save(path)
    c = read_workbook(path)
    assert c.projects.set_index("project_name")["project_code"].to_dict() == before.to_dict()
    mismatches = c.issues.query("code == 'identity_mismatch'")
    assert mismatches[["sheet", "cell"]].values.tolist() == [["改了名的表", "F4"]]


@pytest.mark.parametrize("swap_order", [False, True])
def test_a_project_whose_name_was_retyped_takes_no_other_projects_record(tmp_path, swap_order):
    [path] = write_templates_from_roster("examples/roster.csv", tmp_path / "r", year=2021)
    before = read_workbook(path).projects.set_index("project_name")["project_code"]
    book = openpyxl.load_workbook(path)
    first, second = book.worksheets[1:3]
    untouched, retyped = first["B4"].value, second["B4"].value
    a, b = first.title, second.title
    first.title, second.title = "交换中", a
    first.title = b
    second["B4"] = f"{retyped}（修订）"  # the moved project's locked name typed over
    if swap_order:
        book.move_sheet(second, offset=-1)
    book.save(path)
    c = read_workbook(path)
    codes = c.projects.set_index("project_name")["project_code"]
    assert codes[untouched] == before[untouched]
    mismatches = c.issues.query("code == 'identity_mismatch'")
    assert untouched not in " ".join(mismatches["message"])
    assert mismatches["message"].str.contains("中已不是这个项目").tolist() == [True]


def test_a_project_named_like_the_feedback_issue_list_gets_another_tab(tmp_path):
    listed = load_headers().sheet("issues")
    path = write_unit_workbook(tmp_path / "甲局.xlsx", [ProjectForm(budget_unit=UNIT, project_name=listed)], year=2021,
                               budget_unit=UNIT)
    assert f"{listed}(2)" in openpyxl.load_workbook(path).sheetnames
    assert read_workbook(path).projects[["sheet", "project_name"]].values.tolist() == [[f"{listed}(2)", listed]]


def test_a_sheet_a_department_adds_to_a_template_is_noted(tmp_path):
    [path] = write_templates_from_roster("examples/roster.csv", tmp_path / "r", year=2021)
    book = openpyxl.load_workbook(path)
    book.create_sheet("补充说明")["A1"] = "本单位另有说明"
    book.save(path)
    c = read_workbook(path)
    assert c.issues.query("code == 'ignored_sheet'")["sheet"].tolist() == ["补充说明"]


def form_with(indicators: list[Indicator], **kwargs) -> ProjectForm:
    return ProjectForm(budget_unit=UNIT, project_name="项目甲", year=2021, midterm_period="2021-2023",
                       midterm_budget_wan=3.0, annual_budget_wan=1.0, midterm_goal="中期", annual_goal="年度",
                       indicators=indicators, **kwargs)


def test_rows_per_level2_and_order(tmp_path, spec):
    indicators = [
        Indicator("年度", "满意度指标", "服务对象满意度指标", "满意度", "≥95%"),
        Indicator("中期", "预期产出指标", "质量指标", "合格率一", "100%"),
        Indicator("中期", "预期产出指标", "质量指标", "合格率二", "≥90%"),
        Indicator("年度", "预期产出指标", "质量指标", "合格率", "100%"),
        Indicator("年度", "预期产出指标", "质量指标", "返工率", "≤1%"),
        Indicator("年度", "预期产出指标", "质量指标", "投诉率", "≤1%"),
        Indicator("中期", "自定义一级", "自定义二级", "自定义", "有效"),
    ]
    path = write_unit_workbook(tmp_path / "f.xlsx", [form_with(indicators)], year=2021, budget_unit=UNIT)
    ws = openpyxl.load_workbook(path).worksheets[1]
    ind = spec.indicators
    tree = spec.tree("dongguan")
    groups = group_indicators(spec, tree, indicators)
    assert [g.label for g in groups] == [*tree.level1_labels, "自定义一级"]
    merges = {str(r) for r in ws.merged_cells.ranges}
    row = ind.first_row
    for group in groups:
        start = row
        for block in group.blocks:
            n = max(len(block.indicators["中期"]), len(block.indicators["年度"]), 1)
            if n > 1:
                for p in ind.periods:
                    col = column_letter(p.level2.column)
                    assert f"{col}{row + 1}:{col}{row + n}" in merges
            row += n
        col = column_letter(ind.level1.column)
        assert ws[f"{col}{start + 1}"].value == group.label
    quality = next(b for b in groups[0].blocks if b.labels["中期"] == "质量指标")
    assert [i.level3 for i in quality.indicators["年度"]] == ["合格率", "返工率", "投诉率"]
    # every tree 二级 is there, with one row when it has no indicators
    assert sum(len(g.blocks) for g in groups) == sum(len(l1.level2) for l1 in tree.level1) + 1


def test_text_that_looks_like_a_formula_stays_text(tmp_path, spec):
    risky = ["=1+1", "=HYPERLINK(\"http://x\",\"y\")", "http://example.com", "+A1", "@SUM(A1)", "0012", "1e5"]
    indicators = [Indicator("中期", "预期产出指标", "质量指标", text, text) for text in risky]
    form = form_with(indicators, approval_opinion="=2*3")
    form.project_name = "=cmd|' /C calc'!A0"
    path = write_unit_workbook(tmp_path / "f.xlsx", [form], year=2021, budget_unit="=UNIT()")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[1]
    values = [c for row in ws.iter_rows() for c in row if c.value in risky or c.value in ("=2*3", form.project_name)]
    assert len(values) == 2 * len(risky) + 2
    assert all(c.data_type == "s" for c in values)
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" in z.read(n) for n in sheets)
        assert not any(n.startswith("xl/worksheets/_rels") and b"hyperlink" in z.read(n) for n in z.namelist())
    got = read_workbook(path)
    assert set(got.indicators["level3"]) == set(risky)


def test_framework_forces_one_tree(tmp_path, spec):
    form = form_with([Indicator("中期", "产出指标", "数量指标", "场次", "4次")])
    path = write_unit_workbook(tmp_path / "f.xlsx", [form], year=2021, budget_unit=UNIT, framework="2021")
    ws = openpyxl.load_workbook(path).worksheets[1]
    level1 = [ws.cell(r, spec.indicators.level1.column + 1).value for r in range(1, ws.max_row + 1)]
    assert [v for v in level1 if v in spec.tree("2021").level1_labels] == list(spec.tree("2021").level1_labels)


# --- property: any forms survive the round trip -----------------------------------------

_TEXT = st.text(alphabet=st.sampled_from(list("预算执行率满意度合格有效及时≥≤＝%次个万元0123456789.-=+ ab")), min_size=1, max_size=12).map(str.strip).filter(bool)


@st.composite
def indicators(draw, spec):
    tree = spec.tree(draw(st.sampled_from(list(spec.trees))))
    out = []
    for _ in range(draw(st.integers(0, 10))):
        if draw(st.booleans()):
            level1 = draw(st.sampled_from(tree.level1))
            l1, l2 = level1.label, draw(st.sampled_from(level1.level2))
        else:
            # labels unknown to the tree (the reader reports them, and keeps them as written)
            l1 = draw(st.sampled_from(["其他指标", "效益指标", "", tree.level1[0].label]))
            l2 = draw(st.sampled_from(["其他二级", "另一二级", ""]))
        out.append(Indicator(draw(st.sampled_from(spec.period_names)), l1, l2, draw(_TEXT), draw(_TEXT)))
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_round_trip_property(tmp_path_factory, spec, data):
    forms = []
    for i in range(data.draw(st.integers(1, 3))):
        form = form_with(data.draw(indicators(spec)))
        form.project_name = f"项目{i}"
        form.sheet = form.project_name
        form.midterm_budget_wan = data.draw(st.one_of(st.none(), st.floats(0, 1e6, allow_nan=False)))
        form.midterm_goal = data.draw(_TEXT)
        forms.append(form)
    path = write_unit_workbook(tmp_path_factory.mktemp("rt") / "f.xlsx", forms, year=2021, budget_unit=UNIT)
    assert_round_trip(forms, path)


def test_form_without_year_leaves_the_year_blank(tmp_path, spec):
    form = form_with([])
    form.midterm_period = ""
    path = write_unit_workbook(tmp_path / "f.xlsx", [form], year=None, budget_unit=UNIT)
    ws = openpyxl.load_workbook(path).worksheets[1]
    assert ws["A2"].value == spec.year_line.text.format(year="")
    goal = spec.field("midterm_goal").label_at
    assert ws.cell(goal.first_row + 1, goal.first_col + 1).value == spec.field("midterm_goal").label.text.format(start="", end="")
    assert "None" not in " ".join(str(c.value) for c in openpyxl.load_workbook(path).worksheets[0]["A"])


def test_a_sheet_that_cannot_be_read_is_not_also_a_lost_project(tmp_path):
    from zip_edits import rewrite_part

    [path] = write_templates_from_roster("examples/roster.csv", tmp_path / "r", year=2021)
    name = openpyxl.load_workbook(path).worksheets[2].title
    with zipfile.ZipFile(path) as archive:
        part = next(n for n in archive.namelist() if n.endswith("sheet3.xml"))
    rewrite_part(path, part, lambda xml: xml[:3000])  # cut off: calamine cannot parse it
    got = read_workbook(path)
    assert got.issues.query("sheet == @name")["code"].tolist() == ["unreadable_sheet"]


def test_a_sheet_deleted_from_a_file_whose_project_came_in_another_is_a_note(tmp_path):
    # The department sent its workbook, then only the sheet it corrected, the others deleted.
    [path] = write_templates_from_roster("examples/roster.csv", tmp_path / "r", year=2021)
    book = openpyxl.load_workbook(path)
    deleted = book.worksheets[2].title
    book.remove(book.worksheets[2])
    supplement = path.with_name("补充.xlsx")
    book.save(supplement)
    alone = collect([supplement]).issues.query("sheet == @deleted")
    assert alone[["code", "severity"]].values.tolist() == [["sheet_deleted", "error"]]
    both = collect([path, supplement]).issues.query("sheet == @deleted and file == @supplement.__str__()")
    assert both[["code", "severity"]].values.tolist() == [["sheet_sent_elsewhere", "info"]]
    assert path.name in both["message"].iloc[0]


def test_a_template_with_every_project_sheet_deleted_names_each_project_lost(tmp_path):
    from sheetsync.roster import read_roster
    from sheetsync.status import choose_copies, submission_status, unread_files

    [path] = write_templates_from_roster("examples/roster.csv", tmp_path / "r", year=2021)
    book = openpyxl.load_workbook(path)
    projects = [sheet.title for sheet in book.worksheets if sheet.sheet_state == "visible"][1:]
    for title in projects:
        book.remove(book[title])
    book.save(path)
    got = collect([path])
    assert got.issues[["sheet", "code"]].values.tolist() == [[title, "sheet_deleted"] for title in projects]
    status = submission_status(read_roster("examples/roster.csv"), choose_copies(got), load_headers(), unread_files(got))
    assert set(status["file"]) == {str(path)} and status["note"].str.contains("已被删除").all()


def test_a_sheet_emptied_is_said_so_and_a_note_when_its_project_came_in_another(tmp_path):
    [path] = write_templates_from_roster("examples/roster.csv", tmp_path / "r", year=2021)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[2]
    for merged in list(sheet.merged_cells.ranges):
        sheet.unmerge_cells(str(merged))
    for row in sheet.iter_rows():
        for cell in row:
            cell.value = None
    emptied = path.with_name("清空.xlsx")
    book.save(emptied)
    alone = collect([emptied]).issues.query("sheet == @sheet.title")
    assert alone[["code", "severity"]].values.tolist() == [["sheet_emptied", "error"]]
    assert "已被清空" in alone["message"].iloc[0]
    both = collect([path, emptied]).issues.query("sheet == @sheet.title and file == @emptied.__str__()")
    assert both["code"].tolist() == ["sheet_sent_elsewhere"]


def test_a_deleted_sheets_project_sent_on_a_hand_made_form_is_found_by_unit_and_name(tmp_path):
    from dataclasses import replace

    from fixtures_forms import SEED_FORM, Layout, write_workbook

    [path] = write_templates_from_roster("examples/roster.csv", tmp_path / "r", year=2021)
    book = openpyxl.load_workbook(path)
    deleted = book.worksheets[2].title
    project = read_workbook(path).projects.query("sheet == @deleted").iloc[0]
    book.remove(book.worksheets[2])
    book.save(path)
    hand = write_workbook(tmp_path / "r" / "手工.xlsx", [("Sheet1", replace(
        SEED_FORM, unit=project["budget_unit"], name=project["project_name"], year=2021), Layout())])
    found = collect([path, hand]).issues.query("sheet == @deleted")
    assert found["code"].tolist() == ["sheet_sent_elsewhere"] and "手工.xlsx" in found["message"].iloc[0]
