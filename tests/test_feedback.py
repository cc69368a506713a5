"""Annotated copies for the departments: highlighted cells, comments, a 问题清单 sheet."""

from __future__ import annotations

import hashlib
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
import pandas as pd
import pytest

from office import convert, pdf_page_count
from zip_edits import rewrite_part
from sheetsync.collect import collect
from sheetsync.errors import OutputExistsError
from sheetsync.feedback import FILLS, annotate_copy, write_feedback
from sheetsync.headers import load_headers
from sheetsync.issues import issue
from sheetsync.model import Collection, Indicator, ProjectForm
from sheetsync.sheet_extensions import sheet_parts, validations_ext
from sheetsync.spec import load_spec
from sheetsync.template import write_unit_workbook


def _filled(path, **changes):
    form = dict(budget_unit="东莞市甲局", project_name="办公设备购置", midterm_budget_wan=3.0, annual_budget_wan=5.0,
                midterm_goal="完成采购", annual_goal="",
                indicators=[Indicator("中期", "预期产出指标", "质量指标", "合格率", "≥95%"),
                            Indicator("年度", "预期产出指标", "质量指标", "合格率", "")])
    form.update(changes)
    return write_unit_workbook(path, [ProjectForm(**form)], year=2021, budget_unit=form["budget_unit"])


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _issue_list(book):
    """The 问题清单 sheet: the lines above its table, and the table (its header first)."""
    h = load_headers()
    rows = list(book[h.sheet("issues")].iter_rows(values_only=True))
    at = rows.index(tuple(h.column(c) for c in ("sheet", "cell", "severity", "message")))
    return [row[0] for row in rows[:at] if row[0]], rows[at:]


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "收回"
    folder.mkdir()
    _filled(folder / "甲局.xlsx")
    tree = load_spec().tree("dongguan")
    complete = [Indicator(period, l1.label, l1.level2[0], "指标", "≥90%")
                for l1 in tree.level1 for period in load_spec().period_names]
    _filled(folder / "乙局.xlsx", budget_unit="东莞市乙局", annual_goal="按期完成", annual_budget_wan=1.0, indicators=complete)
    (folder / "~$甲局.xlsx").write_bytes(b"lock")
    return folder


def test_copies_mark_every_problem_cell_and_list_them(tmp_path, inbox):
    h = load_headers()
    before = {p.name: _digest(p) for p in inbox.iterdir()}
    written = write_feedback([inbox], tmp_path / "反馈")
    assert [p.name for p in written] == ["乙局_反馈.xlsx", "甲局_反馈.xlsx"]
    assert {p.name: _digest(p) for p in inbox.iterdir()} == before

    issues = collect([str(inbox / "甲局.xlsx")]).issues
    book = openpyxl.load_workbook(written[1])
    assert book.sheetnames[0] == h.sheet("issues") and book.active.title == h.sheet("issues")
    lines, listed = _issue_list(book)
    assert lines == [h.text("source_note", file=str(inbox / "甲局.xlsx"))]
    assert [r[-1] for r in listed[1:]] == issues["message"].tolist()
    sheet = book[issues["sheet"].iloc[0]]
    for record in issues.to_dict(orient="records"):
        cell = sheet[record["cell"]]
        assert record["message"] in cell.comment.text
        assert cell.fill.fgColor.rgb.endswith(FILLS[record["severity"]])
    # The department's own cells are kept as they were, so the copy reads back like the original.
    original = openpyxl.load_workbook(inbox / "甲局.xlsx")[sheet.title]
    assert sheet["B4"].value == original["B4"].value == "办公设备购置"
    again = collect([str(written[1])])
    columns = ["sheet", "cell", "code", "message"]
    pd.testing.assert_frame_equal(again.issues[columns], issues[columns])
    pd.testing.assert_frame_equal(again.indicators.drop(columns="file"), collect([str(inbox / "甲局.xlsx")]).indicators.drop(columns="file"))


def test_copy_of_a_clean_file_says_so(tmp_path, inbox):
    h = load_headers()
    written = write_feedback([inbox / "乙局.xlsx"], tmp_path / "反馈")
    _lines, listed = _issue_list(openpyxl.load_workbook(written[0]))
    assert listed[1][0] == h.text("no_issues")


def test_text_written_never_becomes_a_formula(tmp_path):
    source = tmp_path / "a.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "项目1"
    book.active["B4"].value = "=1+1"
    book.active["B4"].data_type = "s"
    book.active.merge_cells("B4:D4")
    book.save(source)
    problems = [issue("unclaimed_cell", file=str(source), sheet="项目1", cell="C4", text="=1+1"),
                issue("corrupt_file", file=str(source), detail='=HYPERLINK("http://x","y")')]
    frame = Collection.from_forms([], problems).issues
    copy = annotate_copy(source, tmp_path / "out" / "a.xlsx", frame, load_headers())
    book = openpyxl.load_workbook(copy.path)
    assert book["项目1"]["B4"].data_type == "s" and book["项目1"]["B4"].value == "=1+1"
    assert "=1+1" in book["项目1"]["B4"].comment.text  # the merged range's first cell carries it
    cells = [c for row in book[load_headers().sheet("issues")].iter_rows() for c in row if c.value]
    assert all(c.data_type == "s" for c in cells)
    assert any(c.value == "=1+1" for c in cells) or any("=1+1" in c.value for c in cells)
    assert any(c.value.startswith("文件已损坏") and "HYPERLINK" in c.value for c in cells)


def test_unreadable_file_gets_a_list_only(tmp_path):
    h = load_headers()
    bad = tmp_path / "in" / "坏.xlsx"
    bad.parent.mkdir()
    bad.write_bytes(b"PK\x03\x04 broken")
    notes = []
    written = write_feedback([bad], tmp_path / "out", on_copy=notes.append)
    book = openpyxl.load_workbook(written[0])
    assert book.sheetnames == [h.sheet("issues")]
    lines, listed = _issue_list(book)
    assert lines == [h.text("source_note", file=str(bad))] and len(listed) == 2
    assert notes[0].unreadable and notes[0].note


def test_existing_copies_need_force(tmp_path, inbox):
    out = tmp_path / "反馈"
    out.mkdir()
    (out / "甲局_反馈.xlsx").write_bytes(b"keep")
    with pytest.raises(OutputExistsError):
        write_feedback([inbox], out)
    assert sorted(p.name for p in out.iterdir()) == ["甲局_反馈.xlsx"]
    assert len(write_feedback([inbox], out, force=True)) == 2


@pytest.mark.office
def test_xls_and_ods_come_back_as_rebuilt_xlsx(tmp_path, inbox, soffice):
    h = load_headers()
    source = inbox / "甲局.xlsx"
    others = tmp_path / "others"
    xls = convert(soffice, source, "xls", others)
    ods = convert(soffice, source, "ods", others)
    notes = []
    written = write_feedback([xls, ods], tmp_path / "反馈", on_copy=notes.append)
    assert [p.name for p in written] == ["甲局_反馈.xlsx", "甲局_反馈 (2).xlsx"]
    assert all(n.rebuilt and ".xlsx" in n.note for n in notes)
    superseded = []
    for path, original, other in zip(written, (xls, ods), (ods, xls)):
        book = openpyxl.load_workbook(path)
        lines, _listed = _issue_list(book)
        assert lines[:2] == [h.text("source_note", file=str(original)), h.text("rebuilt_note", suffix=original.suffix)]
        # The two are copies of one project: the one not used says which is.
        superseded += [line == h.text("superseded_note", sheet="办公设备购置", winner=other.name, winner_sheet="办公设备购置")
                       for line in lines[2:]]
        # The template's list and identity sheets stay hidden.
        states = {sheet.title: sheet.sheet_state for sheet in book.worksheets}
        assert states.pop(h.sheet("issues")) == "visible"
        assert {name for name, state in states.items() if state != "visible"} == {"_lists", "_sheetsync"}
        issues = collect([str(original)]).issues
        located = issues[issues["cell"] != ""]
        assert len(located)
        sheet = book[located["sheet"].iloc[0]]
        assert sheet["B4"].value == "办公设备购置"
        for record in located.to_dict(orient="records"):
            comment = sheet[record["cell"]].comment
            if lines[2:]:  # the copy not used: its problems are listed, its cells not marked
                assert comment is None
            else:
                assert record["message"] in comment.text
    assert superseded == [True]


_LIST = re.compile(r'<dataValidation [^>]*type="list"[^>]*sqref="([^"]+)"[^>]*><formula1>([^<]+)</formula1></dataValidation>')
_X14_LIST = re.compile(r"<x14:dataValidation\b.*?<xm:sqref>([^<]+)</xm:sqref>", re.S)


_EXCEL_ROOT = ('<worksheet xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main" '
               'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="xr" '
               'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" ')


def _lists_as_excel_saves_them(xml: bytes) -> bytes:
    """The sheet's list validations moved into its extLst as x14 ones, as Excel 2016 saves a
    list whose source is on another sheet: xm declared on the root, each with an ignorable xr:uid."""
    text = xml.decode()
    lists = _LIST.findall(text)
    text = _LIST.sub("", text).replace("<worksheet ", _EXCEL_ROOT, 1)
    moved = "".join(f'<x14:dataValidation type="list" allowBlank="1" xr:uid="{{00000000-0000-0000-0000-00000000000{n}}}">'
                    f"<x14:formula1><xm:f>{formula}</xm:f></x14:formula1><xm:sqref>{sqref}</xm:sqref></x14:dataValidation>"
                    for n, (sqref, formula) in enumerate(lists))
    ext = ('<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
           'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
           f'<x14:dataValidations count="{len(lists)}">{moved}</x14:dataValidations></ext></extLst>')
    return text.replace("</worksheet>", ext + "</worksheet>").encode()


def _x14_lists(path, sheet_name) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        part = dict(sheet_parts(archive))[sheet_name]
        return _X14_LIST.findall(archive.read(part).decode())


def test_dropdowns_excel_keeps_in_the_extension_list_stay_in_the_copy(tmp_path, inbox):
    source = rewrite_part(inbox / "甲局.xlsx", "xl/worksheets/sheet2.xml", _lists_as_excel_saves_them)
    assert len(_x14_lists(source, "办公设备购置")) == 6
    written = write_feedback([source], tmp_path / "反馈")
    assert _x14_lists(written[0], "办公设备购置") == _x14_lists(source, "办公设备购置")
    with zipfile.ZipFile(written[0]) as archive:
        copied = archive.read(dict(sheet_parts(archive))["办公设备购置"])
    assert b"xr:uid" not in copied and b'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"' in copied
    book = openpyxl.load_workbook(written[0])
    assert any(cell.comment for row in book["办公设备购置"].iter_rows() for cell in row)  # still annotated
    def indicators(path):
        return collect([str(path)]).indicators.drop(columns="file")

    assert indicators(written[0]).equals(indicators(source))


@pytest.mark.parametrize("sheet", [b'<worksheet><extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"/>'
                                   b'<ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}"><x14:conditionalFormattings/></ext>'
                                   b"</extLst></worksheet>", b"<worksheet><sheetData/></worksheet>"])
def test_a_sheet_without_x14_validations_has_none_to_copy(sheet):
    assert validations_ext(sheet) is None


@pytest.mark.office
def test_libreoffice_reads_the_dropdowns_kept_in_the_copy(tmp_path, inbox, soffice):
    source = rewrite_part(inbox / "甲局.xlsx", "xl/worksheets/sheet2.xml", _lists_as_excel_saves_them)
    written = write_feedback([source], tmp_path / "反馈")
    with zipfile.ZipFile(convert(soffice, written[0], "ods", tmp_path / "ods")) as archive:
        assert archive.read("content.xml").decode().count("cell-content-is-in-list") >= 3


def test_a_picture_in_the_form_stays_in_the_copy(tmp_path, inbox):
    from openpyxl.drawing.image import Image
    from PIL import Image as Picture

    seal = tmp_path / "公章.png"
    Picture.new("RGB", (60, 60), (200, 0, 0)).save(seal)
    source = inbox / "甲局.xlsx"
    book = openpyxl.load_workbook(source)
    book["办公设备购置"].add_image(Image(str(seal)), "G20")
    book.save(source)
    written = write_feedback([source], tmp_path / "反馈")
    with zipfile.ZipFile(written[0]) as archive:
        assert [name for name in archive.namelist() if name.startswith("xl/media/")] == ["xl/media/image1.png"]
    assert [image.anchor._from.row for image in openpyxl.load_workbook(written[0])["办公设备购置"]._images] == [19]


@pytest.mark.office
def test_libreoffice_converts_the_feedback_copy_to_pdf(tmp_path, inbox, soffice):
    written = write_feedback([inbox / "甲局.xlsx"], tmp_path / "反馈")
    pdf = convert(soffice, written[0], "pdf", tmp_path / "pdf")
    assert pdf_page_count(pdf) >= 2


def test_a_zip_bomb_is_not_opened_for_its_copy(tmp_path):
    from test_safety import write_zip_bomb

    from sheetsync.safety import MAX_PART_BYTES

    (tmp_path / "in").mkdir()
    write_zip_bomb(tmp_path / "in" / "bomb.xlsx", inflated_mb=MAX_PART_BYTES // 2**20 + 8)
    copies = []
    write_feedback([tmp_path / "in"], tmp_path / "out", on_copy=copies.append)
    assert [c.unreadable for c in copies] == [True]
    book = openpyxl.load_workbook(copies[0].path)
    assert book.sheetnames == [load_headers().sheet("issues")]


def test_a_missing_input_is_an_error(tmp_path):
    from sheetsync.errors import InputError

    with pytest.raises(InputError, match="找不到文件"):
        write_feedback([tmp_path / "nowhere.xlsx"], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_feedback_on_a_feedback_copy_replaces_its_issue_list(tmp_path, inbox):
    first = write_feedback([inbox / "甲局.xlsx"], tmp_path / "once")
    second = write_feedback(first, tmp_path / "twice")
    sheets = openpyxl.load_workbook(second[0]).sheetnames
    assert sheets.count(load_headers().sheet("issues")) == 1 and sheets[0] == load_headers().sheet("issues")


def test_a_departments_sheet_named_like_the_issue_list_is_kept(tmp_path):
    listed = load_headers().sheet("issues")
    source = tmp_path / "in" / "自制.xlsx"
    source.parent.mkdir()
    _filled(tmp_path / "template.xlsx")
    book = openpyxl.load_workbook(tmp_path / "template.xlsx")
    book["办公设备购置"].title = listed  # a workbook of their own, its form's tab named so
    for name in [n for n in book.sheetnames if n != listed]:
        del book[name]
    book.save(source)
    read = collect([str(source)])
    assert read.projects["sheet"].tolist() == [listed]

    once = write_feedback([source], tmp_path / "once")
    twice = write_feedback(once, tmp_path / "twice")
    for copy in [*once, *twice]:
        assert openpyxl.load_workbook(copy).sheetnames == [f"{listed}(2)", listed]
        again = collect([str(copy)])
        assert again.projects.drop(columns="file").equals(read.projects.drop(columns="file"))
        assert "ignored_sheet" not in set(again.issues["code"])


def test_a_sheet_named_like_the_issue_list_that_is_no_form_is_noted(tmp_path):
    _filled(tmp_path / "甲局.xlsx")
    book = openpyxl.load_workbook(tmp_path / "甲局.xlsx")
    book.create_sheet(load_headers().sheet("issues"))["A1"] = "我们自己的问题记录"
    book.save(tmp_path / "甲局.xlsx")
    issues = collect([str(tmp_path / "甲局.xlsx")]).issues
    assert issues.query("code == 'ignored_sheet'")["sheet"].tolist() == [load_headers().sheet("issues")]


def test_a_corrected_copy_annotated_again_loses_the_marks_of_what_was_corrected(tmp_path, inbox):
    [first] = write_feedback([inbox / "甲局.xlsx"], tmp_path / "once")
    book = openpyxl.load_workbook(first)
    marked = {(sheet.title, cell.coordinate): cell.comment.text for sheet in book.worksheets
              for row in sheet.iter_rows() for cell in row if cell.comment is not None}
    (sheet, fixed), message = next((where, text) for where, text in marked.items() if "年度目标" in text)
    book[sheet][fixed] = "按期完成采购"
    book[sheet]["A1"].comment = Comment("标题请勿改动", "张三")  # the department's own note
    for name, ref in marked:  # as LibreOffice saves them: without their author
        book[name][ref].comment = Comment(book[name][ref].comment.text, "")
    book.save(first)
    again = collect([str(first)])
    assert again.issues.query("code == 'cell_comment'")["cell"].tolist() == ["A1"]  # ours are not read as theirs
    [second] = write_feedback([first], tmp_path / "twice")
    book = openpyxl.load_workbook(second)
    cell = book[sheet][fixed]
    assert cell.comment is None and cell.fill.fill_type is None
    assert book[sheet]["A1"].comment.text.startswith("标题请勿改动")
    # What is still wrong is marked once, with this run's message only.
    for (name, ref), text in marked.items():
        if (name, ref) != (sheet, fixed):
            assert book[name][ref].comment.text == text
    assert message not in {c.comment.text for row in book[sheet].iter_rows() for c in row if c.comment}


def test_a_departments_comment_worded_like_ours_and_its_red_cell_stay(tmp_path, inbox):
    from openpyxl.styles import PatternFill

    source = inbox / "甲局.xlsx"
    book = openpyxl.load_workbook(source)
    sheet = book.worksheets[1]
    sheet["B4"].comment = Comment("未填写项目负责人，请补充。", "李四")
    sheet["B4"].fill = PatternFill("solid", fgColor=FILLS["error"])  # Excel's 差 style
    book.save(source)
    assert "cell_comment" in set(collect([str(source)]).issues["code"])
    [copy] = write_feedback([source], tmp_path / "反馈")
    cell = openpyxl.load_workbook(copy)[sheet.title]["B4"]
    assert cell.comment.text.startswith("未填写项目负责人，请补充。") and cell.fill.fill_type == "solid"


def test_a_cell_corrected_whose_note_the_clerk_deleted_is_no_longer_red(tmp_path, inbox):
    [first] = write_feedback([inbox / "甲局.xlsx"], tmp_path / "once")
    book = openpyxl.load_workbook(first)
    sheet, ref = next((sheet, cell.coordinate) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
                      if cell.comment is not None and "年度目标" in cell.comment.text)
    sheet[ref] = "按期完成采购"
    sheet[ref].comment = None
    book.save(first)
    [second] = write_feedback([first], tmp_path / "twice")
    assert openpyxl.load_workbook(second)[sheet.title][ref].fill.fill_type is None


def test_overlapping_merges_do_not_stop_the_marks(tmp_path):
    # openpyxl keeps merges that overlap (Excel repairs them as it opens the file): B4's range
    # then starts on a cell another range covers, and no cell of it can take a comment.
    source = tmp_path / "a.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "项目1"
    book.active.merge_cells("A3:B4")
    book.active.merge_cells("B4:D4")
    book.active["F6"].value = "多余"
    book.active.merge_cells("F6:G6")
    book.save(source)
    problems = [issue("unclaimed_cell", file=str(source), sheet="项目1", cell=cell, text="x") for cell in ("C4", "G6")]
    frame = Collection.from_forms([], problems).issues
    copy = annotate_copy(source, tmp_path / "out" / "a.xlsx", frame, load_headers())
    book = openpyxl.load_workbook(copy.path)
    assert book["项目1"]["F6"].comment is not None  # the range that does not overlap is marked
    _lines, listed = _issue_list(book)
    assert [row[1] for row in listed[1:]] == ["C4", "G6"]


def test_a_copy_that_cannot_be_annotated_lists_the_problems(tmp_path, inbox, monkeypatch):
    import sheetsync.feedback as feedback

    def fail(workbook, record):
        raise TypeError("content openpyxl does not model")

    monkeypatch.setattr(feedback, "_mark", fail)
    notes = []
    written = write_feedback([inbox], tmp_path / "反馈", on_copy=notes.append)
    h = load_headers()
    book = openpyxl.load_workbook(written[1])
    assert book.sheetnames == [h.sheet("issues")]
    assert _issue_list(book)[0][1] == h.text("list_only_note")
    # 乙局's copy has no cell to mark, so it is made as ever.
    assert [note.unreadable for note in notes] == [False, True] and "无法打开或标注" in notes[1].note


def test_an_xlsx_openpyxl_cannot_open_is_rebuilt_from_its_cells(tmp_path, inbox):
    from zip_edits import rewrite_part

    h = load_headers()
    damaged = rewrite_part(inbox / "甲局.xlsx", "[Content_Types].xml", lambda xml: xml.replace(b"<Types", b"<Typos", 1))
    notes = []
    written = write_feedback([damaged], tmp_path / "反馈", on_copy=notes.append)
    book = openpyxl.load_workbook(written[0])
    assert _issue_list(book)[0][1] == h.text("damaged_note")
    issues = collect([str(damaged)]).issues
    sheet = book[issues["sheet"].iloc[0]]
    assert sheet["B4"].value == "办公设备购置"
    assert all(issues["message"].iloc[i] in sheet[cell].comment.text for i, cell in enumerate(issues["cell"]) if cell)
    assert notes[0].rebuilt and not notes[0].unreadable and "重建" in notes[0].note


def test_copies_put_back_among_the_inputs_are_not_read_twice(inbox):
    alone = collect([str(inbox)])
    write_feedback([inbox], inbox / "反馈")
    again = collect([str(inbox)])
    pd.testing.assert_frame_equal(again.projects, alone.projects)
    pd.testing.assert_frame_equal(again.indicators, alone.indicators)
    notes = again.issues[again.issues["code"] == "feedback_copy"]
    assert [Path(f).name for f in notes["file"]] == ["乙局_反馈.xlsx", "甲局_反馈.xlsx"]
    assert f"“{inbox / '甲局.xlsx'}”" in notes["message"].iloc[1] and set(notes["severity"]) == {"info"}
    others = again.issues[again.issues["code"] != "feedback_copy"].reset_index(drop=True)
    pd.testing.assert_frame_equal(others, alone.issues)
    # The departments' files are counted as before, the copies apart.
    line, before = again.summary_line(again.file_count), alone.summary_line(alone.file_count)
    assert line.split("；")[0] == before.split("；")[0] and "另跳过3个" in line and "另跳过1个" in before


def test_a_copy_duplicated_under_another_name_is_still_a_copy(inbox):
    copy = write_feedback([inbox], inbox / "反馈")[1]
    shutil.copy(copy, copy.with_name("甲局_反馈 - 副本.xlsx"))  # as Windows names a duplicated file
    collection = collect([str(inbox)])
    notes = collection.issues.query("code == 'feedback_copy'")
    assert sorted(Path(f).name for f in notes["file"]) == ["乙局_反馈.xlsx", "甲局_反馈 - 副本.xlsx", "甲局_反馈.xlsx"]
    assert collection.projects["file"].map(lambda f: Path(f).parent.name).tolist() == ["收回", "收回"]


def test_a_corrected_copy_is_read_like_any_submission(inbox):
    copy = write_feedback([inbox], inbox / "反馈")[1]
    book = openpyxl.load_workbook(copy)
    book["办公设备购置"]["B4"] = "办公设备购置（更正）"
    book.save(copy)
    collection = collect([str(inbox)])
    assert "feedback_copy" in set(collection.issues["code"])  # 乙局's copy, unchanged
    assert collection.projects.loc[collection.projects["file"] == str(copy), "project_name"].tolist() == ["办公设备购置（更正）"]


def test_a_copy_is_read_when_its_source_is_not(inbox, tmp_path):
    copy = write_feedback([inbox / "甲局.xlsx"], tmp_path / "反馈")[0]
    (tmp_path / "别处").mkdir()
    shutil.copy(copy, tmp_path / "别处" / copy.name)
    collection = collect([str(tmp_path / "别处")])
    assert collection.projects["project_name"].tolist() == ["办公设备购置"]
    assert "feedback_copy" not in set(collection.issues["code"])


def test_a_strict_open_xml_workbook_is_rebuilt_not_emptied(tmp_path, inbox):
    # Excel's "Strict Open XML Spreadsheet": the same parts under other namespaces, which
    # calamine reads and openpyxl opens as a workbook without sheets.
    import zipfile

    namespaces = [(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
                  (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                   b"http://purl.oclc.org/ooxml/officeDocument/relationships")]
    strict = tmp_path / "strict" / "甲局.xlsx"
    strict.parent.mkdir()
    with zipfile.ZipFile(inbox / "甲局.xlsx") as source, zipfile.ZipFile(strict, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            for transitional, strict_name in namespaces if info.filename.endswith((".xml", ".rels")) else ():
                data = data.replace(transitional, strict_name)
            target.writestr(info, data)
    notes = []
    written = write_feedback([strict], tmp_path / "反馈", on_copy=notes.append)
    book = openpyxl.load_workbook(written[0])
    assert book.sheetnames == [load_headers().sheet("issues"), "填表说明", "办公设备购置", "_lists", "_sheetsync"]
    assert _issue_list(book)[0][1] == load_headers().text("strict_note")
    assert book["办公设备购置"]["B4"].value == "办公设备购置" and notes[0].rebuilt


@pytest.mark.office
def test_an_unchanged_copy_rebuilt_from_an_xls_is_left_out_too(tmp_path, soffice):
    # The copy keeps a percentage's format and an amount's scaled one, so it reads as the .xls
    # does (95%, not 0.95; 22.5678 万元, not 225678).
    source = tmp_path / "甲局.xlsx"
    _filled(source, annual_budget_wan=None)
    book = openpyxl.load_workbook(source)
    sheet = book["办公设备购置"]
    value_cell = next(row[4] for row in sheet.iter_rows(min_row=8) if row[4].value == "≥95%")
    value_cell.value, value_cell.number_format = 0.95, "0%"
    amount = next(c for row in sheet.iter_rows() for c in row if c.value == 3.0)
    amount.value, amount.number_format = 225678, "0\\.0000"
    book.save(source)
    inbox = tmp_path / "收回"
    xls = convert(soffice, source, "xls", inbox)
    alone = collect([str(inbox)])
    assert "95%" in alone.indicators["value"].tolist()
    assert alone.projects["midterm_budget_wan"].tolist() == [22.5678]
    write_feedback([inbox], inbox / "反馈")
    again = collect([str(inbox)])
    pd.testing.assert_frame_equal(again.indicators, alone.indicators)
    pd.testing.assert_frame_equal(again.projects, alone.projects)
    assert again.issues.query("code == 'feedback_copy'")["message"].str.contains(str(xls), regex=False).all()


def test_an_amount_computed_by_a_formula_reads_the_same_in_the_copy(inbox, tmp_path, soffice):
    # openpyxl saves a formula without the value it showed: the copy holds the value instead.
    source = tmp_path / "src" / "丙局.xlsx"
    source.parent.mkdir()
    _filled(source, project_name="印刷费", midterm_budget_wan=3.0, annual_budget_wan=None)
    book = openpyxl.load_workbook(source)
    sheet = book["印刷费"]
    amount = next(c for row in sheet.iter_rows() for c in row if c.value == 3.0)
    sheet.cell(amount.row, amount.column + 2).value = f"={amount.coordinate}/3"
    book.save(source)
    computed = convert(soffice, source, "xlsx", inbox / "丙")  # as Excel saves it: with the value shown
    before = collect([str(computed)])
    assert before.projects["annual_budget_wan"].tolist() == [1.0]
    write_feedback([inbox], inbox / "反馈")
    again = collect([str(inbox)])
    # The copy, unchanged, is left out: the source is read, with the value its formula shows.
    assert again.projects.loc[again.projects["project_name"] == "印刷费", ["file", "annual_budget_wan"]].values.tolist() == [
        [str(computed), 1.0]]
    assert "duplicate_project" not in set(again.issues["code"])


def test_copies_may_go_into_a_folder_of_the_inputs(inbox):
    # Written beside the inputs, or among them: every department gets its copy.
    (inbox / "财务科").mkdir()
    _filled(inbox / "财务科" / "丁局.xlsx", budget_unit="东莞市丁局")
    written = write_feedback([inbox], inbox / "财务科")
    assert sorted(p.name for p in written) == ["丁局_反馈.xlsx", "乙局_反馈.xlsx", "甲局_反馈.xlsx"]
    again = write_feedback([inbox], inbox, force=True)
    assert sorted(p.name for p in again) == ["丁局_反馈.xlsx", "乙局_反馈.xlsx", "甲局_反馈.xlsx"]


def test_a_rebuilt_copy_of_an_xlsm_is_named_xlsx(tmp_path, inbox, soffice):
    xls = convert(soffice, inbox / "甲局.xlsx", "xls", tmp_path / "xls")
    (tmp_path / "in").mkdir()
    shutil.copy(xls, tmp_path / "in" / "甲局.xlsm")  # an .xls under a macro workbook's name
    [copy] = write_feedback([tmp_path / "in"], tmp_path / "out")
    assert copy.name == "甲局_反馈.xlsx" and copy.exists()
    assert list((tmp_path / "out").iterdir()) == [copy]


def test_copies_of_inputs_with_long_names_are_named_within_the_limit(tmp_path):
    from sheetsync.names import FILE_NAME_MAX

    folder = tmp_path / "收回"
    folder.mkdir()
    for last in "一二":  # 82 characters (246 bytes): a name the file system still accepts
        _filled(folder / f"{'甲' * 81}{last}.xlsx")
    written = write_feedback([folder], tmp_path / "反馈")
    assert {p.name for p in written} == {f"{'甲' * (FILE_NAME_MAX - 8)}_反馈.xlsx",
                                         f"{'甲' * (FILE_NAME_MAX - 12)}_反馈 (2).xlsx"}
    assert all(p.exists() for p in written)
