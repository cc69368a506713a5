"""What a run takes in and writes out: inputs never replaced, outputs that cannot collide,
every workbook in a folder found once, and feedback written whole or not at all."""

from __future__ import annotations

import errno
import gc
import io
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from typer.testing import CliRunner

from sheetsync.cli import app
from sheetsync.collect import collect, expand_paths
from sheetsync.feedback import write_feedback
from sheetsync.model import Indicator, ProjectForm
from sheetsync.roster import read_roster
from sheetsync.template import write_unit_workbook

runner = CliRunner()


def _form(path: Path, name: str = "设备购置", **changes) -> Path:
    indicators = [Indicator(p, "预期产出指标", "质量指标", "合格率", "≥95%") for p in ("中期", "年度")]
    form = dict(budget_unit="东莞市甲局", project_name=name, midterm_budget_wan=3.0, annual_budget_wan=1.0,
                midterm_goal="完成采购", annual_goal="按期完成", indicators=indicators)
    form.update(changes)
    return write_unit_workbook(path, [ProjectForm(**form)], year=2021, budget_unit="东莞市甲局")


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "收回"
    folder.mkdir()
    _form(folder / "甲局.xlsx")
    return folder


def test_the_summary_may_not_replace_an_input(inbox):
    source = inbox / "甲局.xlsx"
    before = source.read_bytes()
    result = runner.invoke(app, ["collect", str(inbox), "-o", str(source), "--force", "-q"])
    assert result.exit_code == 1 and "是要读取的文件之一" in result.output
    assert source.read_bytes() == before


@pytest.mark.parametrize(("extra", "says"), [
    (["--sqlite", "{out}"], "被指定为两个输出"),
    (["--csv", "{out}"], "文件夹"),
    (["--csv", "{tmp}/t", "--sqlite", "{tmp}/t/projects.csv"], "被指定为两个输出"),
    (["--parquet", "{tmp}/t", "--sqlite", "{tmp}/t"], "文件夹"),
])
def test_two_outputs_may_not_share_a_path(tmp_path, inbox, extra, says):
    out = tmp_path / "s.xlsx"
    args = [a.format(out=out, tmp=tmp_path) for a in extra]
    result = runner.invoke(app, ["collect", str(inbox), "-o", str(out), *args, "--force", "-q"])
    assert result.exit_code == 1 and says in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["收回"]  # nothing written


def test_csv_and_parquet_tables_may_share_a_folder(tmp_path, inbox):
    tables = tmp_path / "tables"
    result = runner.invoke(app, ["collect", str(inbox), "-o", str(tmp_path / "s.xlsx"),
                                 "--csv", str(tables), "--parquet", str(tables), "-q"])
    assert result.exit_code in (0, 1) and "错误：" not in result.output
    assert sorted(p.name for p in tables.iterdir()) == sorted(f"{t}.{ext}" for t in ("projects", "indicators", "issues")
                                                              for ext in ("csv", "parquet"))


@pytest.mark.parametrize("name", ["汇总.xls", "汇总.ods", "汇总"])
def test_the_summary_is_named_as_the_xlsx_it_is(tmp_path, inbox, name):
    result = runner.invoke(app, ["collect", str(inbox), "-o", str(tmp_path / name), "-q"])
    assert result.exit_code == 1 and ".xlsx" in result.output
    assert not (tmp_path / name).exists()


def test_a_file_named_twice_is_read_once(inbox):
    file = inbox / "甲局.xlsx"
    assert expand_paths([str(inbox), str(file), f"{inbox}/./甲局.xlsx"]) == [str(file)]


def test_linked_folders_and_other_workbook_formats_are_searched(tmp_path, inbox):
    outside = tmp_path / "外部"
    outside.mkdir()
    _form(outside / "乙局.xlsx")
    os.symlink(outside, inbox / "链接")
    os.symlink(inbox, inbox / "链接" / "回到上级")  # a loop
    shutil.copy(inbox / "甲局.xlsx", inbox / "丙局.et")
    os.symlink(tmp_path / "不存在.xlsx", inbox / "断开.xlsx")
    found = [Path(f).name for f in expand_paths([str(inbox)])]
    assert sorted(found) == sorted(["甲局.xlsx", "乙局.xlsx", "丙局.et", "断开.xlsx"])
    collection = collect([str(inbox)])
    assert collection.file_count == 4
    assert collection.issues.loc[collection.issues["code"] == "file_not_found", "file"].str.endswith("断开.xlsx").all()


def _refuse(folder: Path, monkeypatch) -> None:
    """The system refuses to list ``folder``, as it does for a sub-folder without read permission
    (root, who runs the tests in CI, is never refused)."""
    real_scandir, real_listdir = os.scandir, os.listdir

    def guarded(real):
        def call(path="."):
            if isinstance(path, (str, os.PathLike)) and os.path.realpath(path) == os.path.realpath(folder):
                raise PermissionError(13, "Permission denied", os.fspath(path))
            return real(path)
        return call

    monkeypatch.setattr(os, "scandir", guarded(real_scandir))
    monkeypatch.setattr(os, "listdir", guarded(real_listdir))


def test_a_sub_folder_that_cannot_be_opened_is_an_issue(inbox, monkeypatch):
    locked = inbox / "办公室"
    locked.mkdir()
    _form(locked / "乙局.xlsx")
    _refuse(locked, monkeypatch)
    assert expand_paths([str(inbox)]) == [str(inbox / "办公室"), str(inbox / "甲局.xlsx")]
    collection = collect([str(inbox)])
    assert len(collection.projects) == 1
    row = collection.issues.loc[collection.issues["code"] == "unreadable_folder"].iloc[0]
    assert row["file"] == str(locked) and "Permission denied" in row["message"]
    result = runner.invoke(app, ["check", str(inbox)])
    assert result.exit_code == 1 and "[unreadable_folder]" in result.output
    result = runner.invoke(app, ["feedback", str(inbox), "-o", str(inbox.parent / "反馈")])
    assert result.exit_code == 1 and "办公室：无法打开或标注，办公室_反馈.xlsx 只列出它的问题。" in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists folders whatever their permissions")
def test_a_sub_folder_without_permission_is_an_issue(inbox):
    locked = inbox / "办公室"
    locked.mkdir()
    _form(locked / "乙局.xlsx")
    locked.chmod(0)
    try:
        collection = collect([str(inbox)])
    finally:
        locked.chmod(0o755)
    assert collection.issues["code"].tolist() == ["unreadable_folder"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_an_unreadable_file_is_an_issue_not_a_usage_error(tmp_path, inbox):
    locked = inbox / "乙局.xlsx"
    _form(locked)
    locked.chmod(0)
    try:
        result = runner.invoke(app, ["check", str(locked)])
    finally:
        locked.chmod(0o644)
    assert result.exit_code == 1 and "unreadable_file" in result.output


def test_a_path_that_cannot_be_opened_is_an_issue(inbox):
    result = runner.invoke(app, ["check", str(inbox / "甲局.xlsx" / "内.xlsx")])
    assert result.exit_code == 1 and "[unreadable_file]" in result.output


def test_feedback_exits_1_when_a_file_has_errors(tmp_path, inbox):
    _form(inbox / "乙局.xlsx", name="")
    result = runner.invoke(app, ["feedback", str(inbox), "-o", str(tmp_path / "反馈")])
    assert result.exit_code == 1
    assert "已写出2个反馈文件" in result.output


def test_feedback_inside_the_folder_it_reads_ignores_its_own_copies(inbox):
    out = inbox / "反馈"
    first = write_feedback([inbox], out)
    second = write_feedback([inbox], out, force=True)
    assert [p.name for p in first] == [p.name for p in second] == ["甲局_反馈.xlsx"]
    assert sorted(p.name for p in out.iterdir()) == ["甲局_反馈.xlsx"]


def test_feedback_is_written_whole_or_not_at_all(tmp_path, inbox):
    _form(inbox / "乙局.xlsx")
    out = tmp_path / "反馈"
    out.mkdir()
    (out / "乙局_反馈.xlsx").write_bytes(b"an earlier copy")
    with pytest.raises(Exception, match="已存在"):
        write_feedback([inbox], out)
    assert sorted(p.name for p in out.iterdir()) == ["乙局_反馈.xlsx"]


def test_a_long_name_fits_its_temporary_name(tmp_path):
    name = "东" * 80  # 240 bytes of UTF-8: the longest a name of ours gets
    source = _form(tmp_path / "收回" / f"{name}.xlsx")
    written = write_feedback([source], tmp_path / "反馈")
    assert written[0].exists() and len(written[0].name.encode()) <= 255


def test_feedback_of_a_misnamed_workbook_is_annotated(tmp_path, inbox):
    misnamed = tmp_path / "另存" / "甲局.xls"  # an .xlsx under an .xls name
    misnamed.parent.mkdir()
    shutil.copy(inbox / "甲局.xlsx", misnamed)
    notes = []
    write_feedback([misnamed], tmp_path / "反馈", on_copy=notes.append)
    assert not notes[0].unreadable


def test_a_roster_whose_first_sheet_is_hidden(tmp_path):
    path = tmp_path / "名单.xlsx"
    book = xlsxwriter.Workbook(path)
    notes = book.add_worksheet("说明")
    notes.write(0, 0, "填表说明")
    roster = book.add_worksheet("名单")
    roster.write_row(0, 0, ["预算单位", "项目名称"])
    roster.write_row(1, 0, ["东莞市甲局", "设备购置"])
    roster.activate()
    notes.hide()
    book.close()
    assert [(e.budget_unit, e.project_name) for e in read_roster(path)] == [("东莞市甲局", "设备购置")]


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_our_summary_resaved_by_an_office_suite_is_still_ours(soffice, tmp_path, inbox, fmt):
    from office import convert
    from sheetsync.safety import inspect_file
    from sheetsync.summary import write_summary

    summary = write_summary(collect([str(inbox)]), tmp_path / "汇总.xlsx")
    resaved = convert(soffice, summary, fmt, tmp_path / fmt)
    assert inspect_file(resaved).issue.code == "own_summary"


def test_feedback_from_an_ods_gives_its_sheets_names_excel_accepts(soffice, tmp_path, inbox):
    import openpyxl
    from office import convert

    long_name = "项目" * 20
    book = openpyxl.load_workbook(inbox / "甲局.xlsx")
    with pytest.warns(UserWarning, match="31 characters"):
        book["设备购置"].title = long_name  # LibreOffice allows it; Excel does not
    book.save(tmp_path / "长名.xlsx")
    ods = convert(soffice, tmp_path / "长名.xlsx", "ods", tmp_path / "ods")
    copy = write_feedback([ods], tmp_path / "反馈")[0]
    names = openpyxl.load_workbook(copy).sheetnames
    assert all(len(name) <= 31 for name in names)
    assert any(name.startswith("项目项目") for name in names)


def test_the_roster_is_no_output_and_no_form(tmp_path, inbox):
    roster = inbox / "名单.xlsx"
    book = xlsxwriter.Workbook(roster)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["预算单位", "项目名称", "中期市财政预算（万元）"])
    sheet.write_row(1, 0, ["东莞市甲局", "设备购置", 3])
    book.close()
    kept = roster.read_bytes()
    for extra in (["-o", str(roster)], ["-o", str(tmp_path / "s.xlsx"), "--sqlite", str(roster)]):
        result = runner.invoke(app, ["collect", str(inbox), "--roster", str(roster), *extra, "--force", "-q"])
        assert result.exit_code == 1 and "是项目名单" in result.output
        assert roster.read_bytes() == kept
    # Kept among the forms, it is read as the roster only.
    result = runner.invoke(app, ["collect", str(inbox), "--roster", str(roster), "-o", str(tmp_path / "s.xlsx"), "-q"])
    assert "1个文件，1张表" in result.output and "已提交1项，未提交0项" in result.output


def test_a_summary_written_among_the_inputs_can_be_written_again(inbox):
    out = inbox / "汇总.xlsx"
    runner.invoke(app, ["collect", str(inbox), "-o", str(out), "-q"])
    first = out.read_bytes()
    result = runner.invoke(app, ["collect", str(inbox), "-o", str(out), "-q", "--force"])
    assert "错误：" not in result.output and "1个文件，1张表" in result.output  # the summary: own_summary
    assert "另跳过1个不是填报表的文件" in result.output
    assert out.read_bytes() != first
    named = runner.invoke(app, ["collect", str(inbox), str(out), "-o", str(out), "-q", "--force"])
    assert named.exit_code == 1 and "是要读取的文件之一" in named.output  # named as an input, it is one


def test_macos_leftovers_are_passed_over(inbox):
    (inbox / "._甲局.xlsx").write_bytes(b"\x00\x05\x16\x07AppleDouble")
    (inbox / "__MACOSX").mkdir()
    (inbox / "__MACOSX" / "._甲局.xlsx").write_bytes(b"\x00\x05\x16\x07")
    assert expand_paths([inbox]) == [str(inbox / "甲局.xlsx")]


def test_one_path_given_alone_or_in_bytes_is_one_path(tmp_path, inbox, monkeypatch):
    _form(tmp_path / "别处.xlsx", name="别的项目")
    monkeypatch.chdir(tmp_path)  # where the letters of the name, read as paths, would lead
    one = collect(str(inbox / "甲局.xlsx"))
    assert (one.file_count, one.projects["project_name"].tolist()) == (1, ["设备购置"])
    assert one.issues.equals(collect([inbox / "甲局.xlsx"]).issues)
    assert collect([os.fsencode(inbox)]).projects["file"].tolist() == [str(inbox / "甲局.xlsx")]


def test_a_link_that_cannot_be_followed_is_reported_not_a_traceback(inbox, monkeypatch):
    # A link into /proc (permission denied to root in a container): os.readlink fails.
    import posixpath

    (inbox / "链接").symlink_to(inbox / "甲局.xlsx")
    followed = posixpath.realpath

    def realpath(path, *args, **kwargs):
        if "链接" in os.fspath(path):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return followed(path, *args, **kwargs)

    monkeypatch.setattr(os.path, "realpath", realpath)
    result = runner.invoke(app, ["check", str(inbox)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "1个文件，1张表" in result.output and "链接" in result.output


def test_a_pipe_named_like_a_workbook_is_an_issue_not_a_hang(inbox):
    os.mkfifo(inbox / "管道.xlsx")
    collection = collect([str(inbox)])
    [row] = collection.issues.query("code == 'unreadable_file'").to_dict(orient="records")
    assert row["file"].endswith("管道.xlsx") and "不是普通文件" in row["message"]
    assert collection.projects["project_name"].tolist() == ["设备购置"]


def test_a_file_name_that_is_not_utf8_is_read_and_shown_as_it_reads(tmp_path, inbox):
    gbk = os.fsencode(inbox) + b"/" + "乙局".encode("gbk") + b".xlsx"  # as unzip leaves a Windows zip's names
    _form(Path(os.fsdecode(gbk)), name="印刷费")
    (Path(os.fsdecode(os.fsencode(inbox) + b"/" + "说明".encode("gbk") + b".pdf"))).write_bytes(b"%PDF-1.4")
    result = runner.invoke(app, ["collect", str(inbox), "-o", str(tmp_path / "s.xlsx"), "-q",
                                 "--csv", str(tmp_path / "t"), "--sqlite", str(tmp_path / "t.db")])
    assert "错误：" not in result.output and "2个文件，2张表" in result.output
    collection = collect([str(inbox)])
    assert sorted(collection.projects["file"]) == [str(inbox / "乙局.xlsx"), str(inbox / "甲局.xlsx")]
    assert str(inbox / "说明.pdf") in set(collection.issues["file"])
    assert set(collection.issues["file"]) <= {str(inbox / n) for n in ("说明.pdf", "甲局.xlsx", "乙局.xlsx")}
    write_feedback([inbox], tmp_path / "反馈")
    again = collect([str(inbox), str(tmp_path / "反馈")])
    assert sorted(again.issues.query("file.str.contains('反馈')")["code"]) == ["feedback_copy", "feedback_copy"]
    copy = next(p for p in (tmp_path / "反馈").iterdir() if "印刷费" not in p.name and "甲局" not in p.name)
    import openpyxl

    assert f"{inbox / '乙局.xlsx'}" in openpyxl.load_workbook(copy).worksheets[0]["A1"].value


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SEED = EXAMPLES / "seed_2021_dongguan_ccpit.txt"


def _gbk(folder: Path, name: str) -> Path:
    """``folder/name`` spelt in GBK bytes, as unzip and Windows shares leave Chinese names."""
    return Path(os.fsdecode(os.fsencode(folder) + b"/" + name.encode("gbk")))


def test_names_that_are_not_utf8_are_printed_as_they_read(tmp_path, inbox):
    _form(_gbk(inbox, "乙局.xlsx"), name="印刷费")
    _gbk(inbox, "丙局.xlsx").write_bytes(b"not a workbook")
    out = tmp_path / "反馈"
    result = runner.invoke(app, ["feedback", str(inbox), "-o", str(out)])
    assert f"{inbox / '乙局.xlsx'} -> {out / '乙局_反馈.xlsx'}" in result.stdout
    assert f"说明：{inbox / '丙局.xlsx'}：无法打开或标注" in result.stderr
    assert (out / "乙局_反馈.xlsx").is_file()  # the copy is named as its source reads
    written = runner.invoke(app, ["template", "-o", str(_gbk(tmp_path, "模板.xlsx"))])
    assert written.stdout == f"{tmp_path / '模板.xlsx'}\n"
    again = runner.invoke(app, ["template", "-o", str(_gbk(tmp_path, "模板.xlsx"))])
    assert again.stderr == f"错误：{tmp_path / '模板.xlsx'} 已存在；如要覆盖，请加 --force。\n"
    imported = runner.invoke(app, ["import-text", str(SEED), "-o", str(_gbk(tmp_path, "导入"))])
    assert f"{tmp_path / '导入'}/" in imported.stdout


def _no_folder_made_here(monkeypatch) -> None:
    """The system refuses to make a folder, as in a read-only folder (root, who runs the tests in
    CI, is refused only by a read-only file system)."""
    def refuse(*args, dir=None, **kwargs):
        raise PermissionError(1, "Operation not permitted", f"{dir}/.sheetsync.x")

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)


@pytest.mark.parametrize("command", [["feedback", "{inbox}"], ["import-text", str(SEED)]])
def test_a_read_only_output_folder_is_one_error_line(tmp_path, inbox, monkeypatch, command):
    out = tmp_path / "输出"
    _no_folder_made_here(monkeypatch)
    result = runner.invoke(app, [*(a.format(inbox=inbox) for a in command), "-o", str(out)])
    assert (result.exit_code, result.stderr) == (1, f"错误：无法写入 {out}：Operation not permitted\n")
    assert not out.exists()  # the folder made for the outputs is removed again


def _long_name(tmp_path: Path) -> Path:
    return tmp_path / ("汇" * 90) / "甲局.xlsx"  # a folder's name of 270 bytes: ENAMETOOLONG


def test_an_input_path_that_cannot_be_looked_at_is_an_unreadable_file(tmp_path, inbox, monkeypatch):
    for command in (["check"], ["collect", "-o", str(tmp_path / "s.xlsx"), "-q", "--force"],
                    ["feedback", "-o", str(tmp_path / "反馈"), "--force"]):
        result = runner.invoke(app, [command[0], str(_long_name(tmp_path)), *command[1:]])
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # no traceback
        assert "错误：" not in result.output and "1个错误" in result.output
    assert collect([str(_long_name(tmp_path))]).issues["code"].tolist() == ["unreadable_file"]
    locked = inbox / "办公室"
    locked.mkdir()
    real_stat = os.stat

    def guarded(path, *args, **kwargs):  # a folder the user may not enter (root always may)
        if os.fspath(path).startswith(f"{locked}/"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", guarded)
    result = runner.invoke(app, ["feedback", str(locked / "乙局.xlsx"), "-o", str(tmp_path / "反馈2")])
    assert result.exit_code == 1 and "乙局.xlsx：无法打开或标注" in result.stderr
    row = collect([str(locked / "乙局.xlsx")]).issues.iloc[0]
    assert (row["code"], "Permission denied" in row["message"]) == ("unreadable_file", True)


def test_a_roster_or_output_path_that_cannot_be_looked_at_is_one_error_line(tmp_path, inbox):
    roster = _long_name(tmp_path).with_name("名单.csv")
    for command in (["collect", str(inbox), "-o", str(tmp_path / "s.xlsx"), "--roster", str(roster)],
                    ["template", "-o", str(tmp_path / "模板"), "--roster", str(roster)],
                    ["template", "-o", str(_long_name(tmp_path).parent), "--roster", str(EXAMPLES / "roster.csv")]):
        result = runner.invoke(app, command)
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # no traceback
        assert result.stderr.startswith("错误：") and result.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["收回"]


class _NoSpace(io.RawIOBase):
    """A file on a full disk: nothing written reaches it."""

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize(("command", "written"), [
    (["collect", "{inbox}", "-q", "-o", "{out}/汇总.xlsx"], "汇总.xlsx"),
    (["template", "-o", "{out}/模板.xlsx"], "模板.xlsx"),
    (["feedback", "{inbox}", "-o", "{out}"], "甲局_反馈.xlsx"),
    (["import-text", str(SEED), "-o", "{out}"], "中国国际贸易促进委员会东莞市委员会.xlsx"),
])
def test_a_full_disk_is_one_error_line_naming_the_output(tmp_path, inbox, monkeypatch, command, written):
    out = tmp_path / "输出"
    real_open = io.open

    def full_disk(file, mode="r", *args, **kwargs):
        if "w" in mode and os.fspath(file).startswith(str(out)):
            return io.BufferedWriter(_NoSpace())
        return real_open(file, mode, *args, **kwargs)

    left_to_collect = []
    monkeypatch.setattr(sys, "unraisablehook", left_to_collect.append)
    monkeypatch.setattr(zipfile.io, "open", full_disk)  # how XlsxWriter's and openpyxl's ZipFile open
    result = runner.invoke(app, [a.format(inbox=inbox, out=out) for a in command])
    assert (result.exit_code, result.stderr) == (1, f"错误：无法写入 {out / written}：No space left on device\n")
    del result  # and with it the failed run's frames, as when the program ends
    gc.collect()
    assert left_to_collect == []  # no second report of the error from a ZipFile left open
    assert not out.exists()


def test_import_text_says_a_file_is_missing_or_a_folder(tmp_path):
    result = runner.invoke(app, ["import-text", str(tmp_path / "没有.txt"), str(tmp_path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "UTF-8" not in result.stdout
    assert "[file_not_found] 找不到该文件" in result.stdout and "[unreadable_file] 文件无法读取（这是一个文件夹）" in result.stdout


def test_collect_refuses_when_no_path_given_exists(tmp_path, inbox):
    out = tmp_path / "汇总.xlsx"
    result = runner.invoke(app, ["collect", str(tmp_path / "收会"), "-o", str(out), "-q"])
    assert (result.exit_code, result.stderr) == (1, f"错误：找不到文件或文件夹：{tmp_path / '收会'}\n")
    assert not out.exists()
    some = runner.invoke(app, ["collect", str(tmp_path / "收会"), str(inbox), "-o", str(out), "-q"])
    assert some.exit_code == 1 and "2个文件，1张表" in some.stdout  # the missing one is an issue row
    issues = collect([str(tmp_path / "收会"), str(inbox)]).issues
    assert issues.loc[issues["code"] == "file_not_found", "file"].tolist() == [str(tmp_path / "收会")]
