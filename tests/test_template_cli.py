"""`sheetsync template` through the CLI: outputs, exit codes, no partial output, --force."""

from __future__ import annotations

import openpyxl
import pytest
from typer.testing import CliRunner

from sheetsync.cli import app

runner = CliRunner()


def test_blank_template(tmp_path, spec):
    out = tmp_path / "t.xlsx"
    result = runner.invoke(app, ["template", "-o", str(out), "--year", "2026", "--unit", "东莞市某局", "--count", "3"])
    assert result.exit_code == 0, result.output
    assert str(out) in result.stdout
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:4] == [spec.instructions.sheet] + [spec.blank_sheet_name.format(number=i) for i in (1, 2, 3)]
    assert wb.worksheets[1]["A3"].value == spec.unit_line.text.format(budget_unit="东莞市某局")


def test_existing_output_refused_then_forced(tmp_path):
    out = tmp_path / "t.xlsx"
    out.write_bytes(b"keep")
    result = runner.invoke(app, ["template", "-o", str(out)])
    assert result.exit_code == 1 and "--force" in result.stderr
    assert out.read_bytes() == b"keep"
    assert runner.invoke(app, ["template", "-o", str(out), "--force"]).exit_code == 0
    assert out.read_bytes()[:2] == b"PK"


def test_unknown_framework_exit_1_nothing_written(tmp_path):
    out = tmp_path / "t.xlsx"
    result = runner.invoke(app, ["template", "-o", str(out), "--framework", "1999"])
    assert result.exit_code == 1 and "1999" in result.stderr
    assert not out.exists()


def test_roster(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["template", "--roster", "examples/roster.csv", "--year", "2021", "-o", str(out)])
    assert result.exit_code == 0, result.output
    [path] = list(out.iterdir())
    assert result.stdout.strip() == str(path)
    assert len(openpyxl.load_workbook(path).sheetnames) == 1 + 16 + 2


def test_bad_roster_exit_1_names_row_and_column_no_output(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("预算单位,项目名称,中期市财政预算（万元）\n甲,一,1\n乙,二,多少\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["template", "--roster", str(roster), "-o", str(out)])
    assert result.exit_code == 1
    assert "第3行" in result.stderr and "中期市财政预算（万元）" in result.stderr
    assert not out.exists() or not list(out.iterdir())


def test_cli_agrees_with_the_library(tmp_path):
    from sheetsync.template import write_template

    cli_out, lib_out = tmp_path / "cli.xlsx", tmp_path / "lib.xlsx"
    assert runner.invoke(app, ["template", "-o", str(cli_out), "--year", "2022", "--count", "2"]).exit_code == 0
    write_template(lib_out, year=2022, count=2)
    cli_wb, lib_wb = openpyxl.load_workbook(cli_out), openpyxl.load_workbook(lib_out)
    assert cli_wb.sheetnames == lib_wb.sheetnames
    for a, b in zip(cli_wb.worksheets[:-1], lib_wb.worksheets[:-1]):  # the identity sheet holds the time
        assert list(a.values) == list(b.values)


def test_options_that_do_not_go_with_a_roster_are_refused(tmp_path):
    out = tmp_path / "out"
    for extra in (["--unit", "甲局"], ["--count", "3"]):
        result = runner.invoke(app, ["template", "--roster", "examples/roster.csv", "-o", str(out), *extra])
        assert result.exit_code == 1 and "--roster" in result.stderr
    result = runner.invoke(app, ["template", "--roster", "examples/roster.csv", "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 1 and "文件夹" in result.stderr
    assert not list(tmp_path.iterdir())


def test_a_roster_is_never_overwritten_by_a_template(tmp_path):
    # The roster of unit 甲局, kept in the output folder under the name its template would take.
    roster = tmp_path / "甲局.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["预算单位", "项目名称"])
    book.active.append(["甲局", "一"])
    book.save(roster)
    kept = roster.read_bytes()
    result = runner.invoke(app, ["template", "--roster", str(roster), "-o", str(tmp_path), "--force"])
    assert result.exit_code == 1 and "是项目名单" in result.stderr
    assert roster.read_bytes() == kept


def test_a_password_a_sheet_cannot_be_unlocked_with_is_refused(tmp_path):
    out = tmp_path / "t.xlsx"
    result = runner.invoke(app, ["template", "-o", str(out), "--password", "密码"])
    assert result.exit_code == 1 and "密码只能使用英文字母、数字和符号" in result.stderr
    assert not out.exists()


def test_a_unit_of_spaces_leaves_the_unit_line_open(tmp_path, spec):
    out = tmp_path / "t.xlsx"
    assert runner.invoke(app, ["template", "-o", str(out), "--unit", "  "]).exit_code == 0
    ws = openpyxl.load_workbook(out).worksheets[1]
    cell = ws.cell(spec.unit_line.at.first_row + 1, 1)
    assert cell.value == spec.unit_line.text.format(budget_unit="") and not cell.protection.locked


@pytest.mark.parametrize("unit", ["东莞市某局（单位：万元）", "预算单位：东莞市某局"])
def test_a_unit_the_form_would_read_back_otherwise_is_refused(tmp_path, unit):
    out = tmp_path / "t.xlsx"
    result = runner.invoke(app, ["template", "-o", str(out), "--unit", unit])
    assert result.exit_code == 1 and "--unit：" in result.stderr and "请" in result.stderr
    assert not out.exists()
