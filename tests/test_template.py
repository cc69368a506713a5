"""Blank and roster templates, opened with openpyxl and checked against the spec."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest


from sheetsync.errors import OutputExistsError, SpecError
from sheetsync.identity import IDENTITY_SHEET, parse_identity
from sheetsync.model import project_key
from sheetsync.spec import Span, cell_ref, column_letter
from sheetsync.template import LISTS_SHEET, write_template, write_templates_from_roster

YEAR = 2021
UNIT = "测试单位"


def ref(span: Span) -> str:
    return str(span)


def sheet_span(spec, first_row: int, last_row: int) -> Span:
    return Span(first_row, 0, last_row, spec.columns - 1)


def indicator_rows(spec, tree):
    """(level1, level2, first_row, last_row) of every 二级 block of a blank template."""
    n = spec.indicators.rows_per_level2
    row = spec.indicators.first_row
    blocks = []
    for level1 in tree.level1:
        for level2 in level1.level2:
            blocks.append((level1.label, level2, row, row + n - 1))
            row += n
    return blocks


def table_last_row(spec, tree) -> int:
    return indicator_rows(spec, tree)[-1][3]


@pytest.fixture(scope="module")
def blank(tmp_path_factory):
    path = tmp_path_factory.mktemp("blank") / "t.xlsx"
    write_template(path, year=YEAR, unit=UNIT, count=2)
    return openpyxl.load_workbook(path)


def test_sheets_order_and_visibility(blank, spec):
    names = [spec.blank_sheet_name.format(number=i) for i in (1, 2)]
    assert blank.sheetnames == [spec.instructions.sheet, *names, LISTS_SHEET, IDENTITY_SHEET]
    states = {ws.title: ws.sheet_state for ws in blank.worksheets}
    assert states[LISTS_SHEET] == "hidden"
    assert states[IDENTITY_SHEET] == "veryHidden"
    assert blank[IDENTITY_SHEET].protection.sheet and blank[LISTS_SHEET].protection.sheet
    assert all(states[n] == "visible" for n in (spec.instructions.sheet, *names))


def test_labels_written_as_the_spec_gives_them(blank, spec):
    ws = blank.worksheets[1]
    assert ws["A1"].value == spec.title
    assert ws[cell_ref(spec.year_line.at.first_row, 0)].value == spec.year_line.text.format(year=YEAR)
    assert ws[cell_ref(spec.unit_line.at.first_row, 0)].value == spec.unit_line.text.format(budget_unit=UNIT)
    for f in spec.fields:
        label = f.label.text.format(start=YEAR, end=YEAR + spec.midterm_years - 1)
        assert ws[cell_ref(f.label_at.first_row, f.label_at.first_col)].value == label
    header = spec.indicators.header_row
    assert ws.cell(header + 1, spec.indicators.label_column + 1).value == spec.indicators.label.text
    for col, label in spec.indicators.header_labels():
        assert ws.cell(header + 1, col + 1).value == label.text
    last = table_last_row(spec, spec.tree(spec.default_framework))
    for f in spec.footer:
        at = f.label_at.shifted(rows=last + 1)
        assert ws[cell_ref(at.first_row, at.first_col)].value == f.label.text


def test_merges_follow_the_spec(blank, spec):
    tree = spec.tree(spec.default_framework)
    ind = spec.indicators
    last = table_last_row(spec, tree)
    expected = {ref(sheet_span(spec, 0, 0)), ref(spec.year_line.at), ref(spec.unit_line.at)}
    expected |= {ref(span) for _, span in spec.labels}
    for f in spec.fields:
        expected |= {ref(s) for s in (f.label_at, f.value_at) if s.is_merged}
    for f in spec.footer:
        expected |= {ref(s.shifted(rows=last + 1)) for s in (f.label_at, f.value_at) if s.is_merged}
    expected.add(ref(Span(ind.header_row, ind.label_column, last, ind.label_column)))
    blocks = indicator_rows(spec, tree)
    for level1 in tree.level1:
        rows = [b for b in blocks if b[0] == level1.label]
        expected.add(ref(Span(rows[0][2], ind.level1.column, rows[-1][3], ind.level1.column)))
    for _, _, first, end in blocks:
        for p in ind.periods:
            expected.add(ref(Span(first, p.level2.column, end, p.level2.column)))
    assert {str(r) for r in blank.worksheets[1].merged_cells.ranges} == expected


def test_tree_labels_prefilled(blank, spec):
    ws = blank.worksheets[1]
    ind = spec.indicators
    for level1, level2, first, _ in indicator_rows(spec, spec.tree(spec.default_framework)):
        for p in ind.periods:
            assert ws.cell(first + 1, p.level2.column + 1).value == level2
        if level2 == spec.tree(spec.default_framework).level2_of(level1)[0]:
            assert ws.cell(first + 1, ind.level1.column + 1).value == level1


def validations(ws) -> dict[str, object]:
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


def test_amount_and_text_validations(blank, spec):
    dvs = validations(blank.worksheets[1])
    for f in spec.fields:
        at = cell_ref(f.value_at.first_row, f.value_at.first_col)
        dv = dvs[at]
        assert dv.promptTitle and dv.prompt == f.prompt and dv.showInputMessage
        if f.kind == "amount":
            below = next((g for g in spec.fields if g.not_above == f.name), None)
            if f.not_above:
                other = spec.field(f.not_above).value_at
                assert dv.type == "decimal" and dv.formula1 == "0" and dv.operator in (None, "between")
                ref = f"${column_letter(other.first_col)}${other.first_row + 1}"
                # The bound is the other amount once it is filled in (an empty cell would read as 0).
                assert dv.formula2 == f"IF(ISBLANK({ref}),9.99E+307,{ref})"
                assert f"不得超过“{spec.field(f.not_above).label.text}”" in dv.error
            elif below is not None:
                # At least the amount that may not exceed it, once that is filled in.
                ref = f"${column_letter(below.value_at.first_col)}${below.value_at.first_row + 1}"
                assert (dv.type, dv.operator, dv.formula1) == ("decimal", "greaterThanOrEqual", f"MAX(0,{ref})")
                # The clerk refused a number is told the rule, not only to type a number.
                assert dv.error.startswith(f"须为不小于0的数字，且不得低于“{below.label.text}”。")
            else:
                assert (dv.type, dv.operator, dv.formula1) == ("decimal", "greaterThanOrEqual", "0")
        else:
            assert (dv.type, dv.operator, dv.formula1) == ("textLength", "lessThanOrEqual", str(f.max_length))


def test_level2_dropdowns_come_from_the_hidden_list_sheet(blank, spec):
    tree = spec.tree(spec.default_framework)
    ws, lists = blank.worksheets[1], blank[LISTS_SHEET]
    dvs = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    blocks = indicator_rows(spec, tree)
    assert len(dvs) == len(tree.level1) * len(spec.indicators.periods)
    for dv in dvs:
        sheet, cells = dv.formula1.split("!")
        assert sheet.strip("'") == LISTS_SHEET
        listed = [c.value for row in lists[cells.replace("$", "")] for c in row]
        first_row = int(str(dv.sqref).split(":")[0][1:]) - 1
        level1 = next(b[0] for b in blocks if b[2] == first_row)
        assert listed == list(tree.level2_of(level1))
        column = column_letter(next(p.level2.column for p in spec.indicators.periods if str(dv.sqref).startswith(column_letter(p.level2.column))))
        rows = [b for b in blocks if b[0] == level1]
        assert str(dv.sqref) == f"{column}{rows[0][2] + 1}:{column}{rows[-1][3] + 1}"


def test_level3_and_value_columns_limit_length(blank, spec):
    dvs = validations(blank.worksheets[1])
    ind = spec.indicators
    last = table_last_row(spec, spec.tree(spec.default_framework))
    for p in ind.periods:
        for col, limit in ((p.level3, ind.level3_max_length), (p.value, ind.value_max_length)):
            dv = dvs[f"{column_letter(col.column)}{ind.first_row + 1}:{column_letter(col.column)}{last + 1}"]
            assert (dv.type, dv.operator, dv.formula1) == ("textLength", "lessThanOrEqual", str(limit))
            assert dv.prompt


def test_locked_and_unlocked_cells(blank, spec):
    ws = blank.worksheets[1]
    ind = spec.indicators
    tree = spec.tree(spec.default_framework)

    def locked(row: int, col: int) -> bool:
        return ws.cell(row + 1, col + 1).protection.locked

    assert locked(0, 0) and locked(spec.year_line.at.first_row, 0) and locked(spec.unit_line.at.first_row, 0)
    for f in spec.fields:
        assert locked(f.label_at.first_row, f.label_at.first_col)
        assert not locked(f.value_at.first_row, f.value_at.first_col)
    for _, _, first, end in indicator_rows(spec, tree):
        assert locked(first, ind.level1.column)
        for p in ind.periods:
            assert not locked(first, p.level2.column)
            for row in range(first, end + 1):
                assert not locked(row, p.level3.column) and not locked(row, p.value.column)
    last = table_last_row(spec, tree)
    for f in spec.footer:
        at = f.value_at.shifted(rows=last + 1)
        assert not locked(at.first_row, at.first_col)


def test_protection_and_print_setup(blank, spec):
    ws = blank.worksheets[1]
    assert ws.protection.sheet and not ws.protection.password
    assert ws.protection.insertRows is False  # the attribute means "forbidden"
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1)  # absent means 1
    last = table_last_row(spec, spec.tree(spec.default_framework)) + max(f.value_at.last_row for f in spec.footer) + 1
    assert ws.print_area == f"'{ws.title}'!$A$1:${column_letter(spec.columns - 1)}${last + 1}"
    assert ws.print_title_rows == f"$1:${spec.unit_line.at.last_row + 1}"
    for col, width in enumerate(spec.column_widths):
        assert ws.column_dimensions[column_letter(col)].width == pytest.approx(width, abs=1)


def test_identity_sheet(blank, spec):
    identity = parse_identity(blank[IDENTITY_SHEET].iter_rows(values_only=True))
    assert (identity.form_id, identity.spec_version, identity.spec_hash) == (spec.id, str(spec.version), spec.hash)
    assert (identity.year, identity.budget_unit, identity.framework) == (str(YEAR), UNIT, spec.default_framework)
    assert dt.datetime.fromisoformat(identity.generated_at).tzinfo is not None
    assert list(identity.sheets) == blank.sheetnames[1:3]


def test_password_protects_with_a_hash(tmp_path):
    path = write_template(tmp_path / "p.xlsx", year=YEAR, password="secret")
    ws = openpyxl.load_workbook(path).worksheets[1]
    assert ws.protection.sheet and ws.protection.password


def test_default_year_is_next_year(tmp_path, spec):
    path = write_template(tmp_path / "y.xlsx")
    ws = openpyxl.load_workbook(path).worksheets[1]
    assert ws["A2"].value == spec.year_line.text.format(year=dt.date.today().year + 1)


@pytest.mark.parametrize("framework", ["2020", "2021"])
def test_framework_picks_the_tree(tmp_path, spec, framework):
    path = write_template(tmp_path / "f.xlsx", year=YEAR, framework=framework)
    ws = openpyxl.load_workbook(path).worksheets[1]
    tree = spec.tree(framework)
    for level1, level2, first, _ in indicator_rows(spec, tree):
        assert ws.cell(first + 1, spec.indicators.periods[0].level2.column + 1).value == level2
    assert {str(r) for r in ws.merged_cells.ranges} >= {
        ref(Span(spec.indicators.header_row, 0, table_last_row(spec, tree), 0))
    }


def test_unknown_framework_writes_nothing(tmp_path):
    with pytest.raises(SpecError, match="2019"):
        write_template(tmp_path / "x.xlsx", framework="2019")
    assert not list(tmp_path.iterdir())


def test_existing_output_needs_force(tmp_path, spec):
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"keep")
    with pytest.raises(OutputExistsError):
        write_template(path, year=YEAR)
    assert path.read_bytes() == b"keep"
    write_template(path, year=YEAR, force=True)
    assert openpyxl.load_workbook(path).sheetnames[0] == spec.instructions.sheet


def test_empty_unit_line_stays_editable(tmp_path, spec):
    ws = openpyxl.load_workbook(write_template(tmp_path / "u.xlsx", year=YEAR)).worksheets[1]
    assert not ws.cell(spec.unit_line.at.first_row + 1, 1).protection.locked


# --- from a roster --------------------------------------------------------------------


def write_roster(path, rows, header=("预算单位", "项目名称", "项目编码", "中期市财政预算（万元）", "本年度申请市财政预算资金（万元）")):
    lines = [",".join(header)] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_roster_one_workbook_per_unit_identity_prefilled_and_locked(tmp_path, spec):
    roster = write_roster(tmp_path / "r.csv", [
        ("财务科", "物业管理费", "P001", "110.28", "36.76"),
        ("财务科", "项目/一[二]:三*四?五", "", "", ""),
        ("办公室", "水电费补助", "", "21", "7"),
    ])
    paths = write_templates_from_roster(roster, tmp_path / "out", year=YEAR)
    assert [p.name for p in paths] == ["财务科.xlsx", "办公室.xlsx"]
    wb = openpyxl.load_workbook(paths[0])
    assert wb.sheetnames[1:3] == ["物业管理费", "项目／一［二］：三＊四？五"]
    ws = wb["物业管理费"]
    name, midterm, annual = (spec.field(n).value_at for n in ("project_name", "midterm_budget_wan", "annual_budget_wan"))
    for span, value in ((name, "物业管理费"), (midterm, 110.28), (annual, 36.76)):
        cell = ws.cell(span.first_row + 1, span.first_col + 1)
        assert cell.value == value and cell.protection.locked
    assert ws.cell(spec.unit_line.at.first_row + 1, 1).value == spec.unit_line.text.format(budget_unit="财务科")
    blank_amount = wb.worksheets[2].cell(midterm.first_row + 1, midterm.first_col + 1)
    assert blank_amount.value is None and not blank_amount.protection.locked
    identity = parse_identity(wb[IDENTITY_SHEET].iter_rows(values_only=True))
    assert identity.sheets["物业管理费"].project_key == "P001"
    assert identity.sheets["项目／一［二］：三＊四？五"].project_key == project_key("财务科", "项目/一[二]:三*四?五")


def test_spellings_of_one_unit_get_one_workbook_named_as_first_spelt(tmp_path):
    roster = write_roster(tmp_path / "r.csv", [
        ("东莞市某局(本级)", "项目A"), ("东莞市某局（本级）", "项目B"), ("东莞市某局 （本级）", "项目C"), ("乙局", "项目D"),
    ], header=("预算单位", "项目名称"))
    paths = write_templates_from_roster(roster, tmp_path / "out", year=YEAR)
    assert [p.name for p in paths] == ["东莞市某局(本级).xlsx", "乙局.xlsx"]
    identity = parse_identity(openpyxl.load_workbook(paths[0])[IDENTITY_SHEET].iter_rows(values_only=True))
    assert identity.budget_unit == "东莞市某局(本级)"
    assert [(s.project_name, s.budget_unit) for s in identity.sheets.values()] == [
        ("项目A", "东莞市某局(本级)"), ("项目B", "东莞市某局(本级)"), ("项目C", "东莞市某局(本级)"),
    ]


def test_roster_error_leaves_no_output(tmp_path):
    roster = write_roster(tmp_path / "r.csv", [("财务科", "物业管理费", "", "1", "2")])
    with pytest.raises(Exception, match="第2行"):
        write_templates_from_roster(roster, tmp_path / "out", year=YEAR)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_roster_failure_midway_leaves_no_partial_output(tmp_path):
    from sheetsync.errors import TemplateError

    # Excel's cell limit is 32,767 characters: XlsxWriter rejects the second unit's project
    # code (which the form sets no limit to) on its identity sheet.
    roster = write_roster(tmp_path / "r.csv", [("甲", "一", "", "", ""), ("乙", "二", "长" * 40000, "", "")])
    with pytest.raises(TemplateError, match="rejected"):
        write_templates_from_roster(roster, tmp_path / "out", year=YEAR)
    assert not (tmp_path / "out").exists()  # nor the folder made for them


def test_roster_existing_output_needs_force(tmp_path):
    roster = write_roster(tmp_path / "r.csv", [("甲", "一", "", "", ""), ("乙", "二", "", "", "")])
    out = tmp_path / "out"
    out.mkdir()
    (out / "乙.xlsx").write_bytes(b"keep")
    with pytest.raises(OutputExistsError):
        write_templates_from_roster(roster, out, year=YEAR)
    assert sorted(p.name for p in out.iterdir()) == ["乙.xlsx"]
    assert len(write_templates_from_roster(roster, out, year=YEAR, force=True)) == 2


def test_example_roster_gives_the_seed_units_16_sheets(tmp_path):
    from sheetsync.roster import read_roster

    entries = read_roster("examples/roster.csv")
    [path] = write_templates_from_roster("examples/roster.csv", tmp_path, year=YEAR)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[1:-2] == [e.project_name for e in entries]
    assert len(entries) == 16


def test_blank_unit_line_has_an_input_message(tmp_path, spec):
    ws = openpyxl.load_workbook(write_template(tmp_path / "u.xlsx", year=YEAR)).worksheets[1]
    at = cell_ref(spec.unit_line.at.first_row, spec.unit_line.at.first_col)
    assert validations(ws)[at].prompt == spec.unit_line.prompt


def test_instructions_come_from_the_spec_and_name_every_tree_used(tmp_path, spec):
    from sheetsync.model import Indicator, ProjectForm
    from sheetsync.template import write_unit_workbook

    forms = [
        ProjectForm(budget_unit="某局", project_name="甲", indicators=[Indicator("中期", "预期产出指标", "质量指标", "合格率", "100%")]),
        ProjectForm(budget_unit="某局", project_name="乙", indicators=[Indicator("中期", "产出指标", "成本指标", "成本", "≤5万元")]),
    ]
    path = write_unit_workbook(tmp_path / "mixed.xlsx", forms, year=YEAR, budget_unit="某局")
    sheet = openpyxl.load_workbook(path)[spec.instructions.sheet]
    text = "\n".join(str(c.value) for c in sheet["A"] if c.value)
    assert spec.title in text and spec.label_of("annual_budget_wan") in text
    for key in ("dongguan", "2020"):
        assert spec.instructions.tree_heading.format(tree=spec.tree(key).name) in text
    assert spec.tree("2021").name not in text


def test_text_input_cells_are_formatted_as_text(blank, spec):
    # Excel keeps what a clerk types into a text-formatted cell as typed (95% stays "95%").
    ws = blank.worksheets[1]
    first = spec.indicators.first_row + 1
    for period in spec.indicators.periods:
        for column in (period.level3.column, period.value.column):
            assert ws.cell(first, column + 1).number_format == "@"
    goal = spec.field("midterm_goal").value_at
    assert ws.cell(goal.first_row + 1, goal.first_col + 1).number_format == "@"


def test_a_full_disk_is_an_output_error_naming_the_template(tmp_path, monkeypatch):
    import gc
    import warnings

    import xlsxwriter.workbook

    from sheetsync.errors import OutputError

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsxwriter.workbook, "ZipFile", no_space)
    with pytest.raises(OutputError, match="模板.xlsx：No space left on device") as failed:
        write_template(tmp_path / "模板.xlsx", year=YEAR, unit="某局", count=1)
    del failed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    assert list(tmp_path.iterdir()) == []


def test_the_api_refuses_a_year_the_cli_refuses(tmp_path):
    from sheetsync.errors import TemplateError

    with pytest.raises(TemplateError, match="年度1900不在2000至2100年之间"):
        write_template(tmp_path / "t.xlsx", year=1900)
    assert not (tmp_path / "t.xlsx").exists()
