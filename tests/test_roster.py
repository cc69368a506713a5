"""Reading rosters: encodings, Excel files, header variants and every problem by row and column."""

from __future__ import annotations

import pytest
import xlsxwriter

from sheetsync.errors import RosterError
from sheetsync.roster import RosterEntry, read_roster

HEADER = "预算单位,项目名称,中期市财政预算（万元）,本年度申请市财政预算资金（万元）"


def csv_file(tmp_path, text: str, encoding: str = "utf-8", name: str = "r.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_reads_utf8_csv(tmp_path):
    path = csv_file(tmp_path, HEADER + "\n财务科,物业管理费,110.28,36.76\n财务科,水电费,,\n")
    assert read_roster(path) == [
        RosterEntry(2, "财务科", "物业管理费", "", 110.28, 36.76),
        RosterEntry(3, "财务科", "水电费", "", None, None),
    ]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_reads_bom_and_gbk(tmp_path, encoding):
    path = csv_file(tmp_path, HEADER + "\r\n财务科,物业管理费,3,1\r\n", encoding)
    assert read_roster(path) == [RosterEntry(2, "财务科", "物业管理费", "", 3.0, 1.0)]


def test_header_variants(tmp_path):
    path = csv_file(tmp_path, " 单位名称 ,项目名称 ,项目代码,中期市财政预算 (万元),本年度申请市财政预算资金\n财务科,物业管理费,P1,3,1\n")
    assert read_roster(path) == [RosterEntry(2, "财务科", "物业管理费", "P1", 3.0, 1.0)]


def test_blank_rows_keep_row_numbers(tmp_path):
    path = csv_file(tmp_path, "\n" + HEADER + "\n\n财务科,物业管理费,,\n")
    assert [e.row for e in read_roster(path)] == [4]


def test_reads_xlsx_with_row_numbers_as_excel_shows_them(tmp_path):
    path = tmp_path / "r.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    ws.write_row(2, 0, ["预算单位", "项目名称", "项目编码", "中期市财政预算（万元）", "本年度申请市财政预算资金（万元）"])
    ws.write_row(3, 0, ["财务科", "物业管理费", 1001, 110.28, 36.76])
    wb.close()
    assert read_roster(path) == [RosterEntry(4, "财务科", "物业管理费", "1001", 110.28, 36.76)]


def problems_of(path) -> str:
    with pytest.raises(RosterError) as err:
        read_roster(path)
    return str(err.value)


def test_missing_required_column(tmp_path):
    message = problems_of(csv_file(tmp_path, "预算单位,中期市财政预算（万元）\n财务科,3\n"))
    assert "第1行" in message and "缺少必填列“项目名称”" in message


def test_every_problem_named_by_row_and_column(tmp_path):
    path = csv_file(tmp_path, HEADER + "\n"
                    "财务科,,1,1\n"                 # 2: empty name
                    "财务科,甲,abc,1\n"             # 3: not a number
                    "财务科,乙,-1,1\n"              # 4: negative
                    "财务科,丙,1,2\n"               # 5: annual above midterm
                    "财务科,丁,1,1\n"
                    "财务科, 丁 ,1,1\n"             # 7: duplicate of row 6
                    "财务科,戊,5000元,1\n"          # 8: yuan
                    "财务科,己,50千元,1\n")         # 9: thousands of yuan
    message = problems_of(path)
    assert "7处问题" in message
    assert message.index("第7行") < message.index("第8行")
    for expected in ("第2行B列“项目名称”：为空", "第3行C列“中期市财政预算（万元）”：“abc”不是数字",
                     "第4行C列“中期市财政预算（万元）”：金额不能为负数", "第5行D列“本年度申请市财政预算资金（万元）”：2万元超过",
                     "第7行B列“项目名称”：项目“丁”与第6行重复", "第8行C列“中期市财政预算（万元）”：“5000元”按“元”填写",
                     "第9行C列“中期市财政预算（万元）”：“50千元”按“千元”填写"):
        assert expected in message


def test_problems_name_the_column_by_its_letter_and_its_header_as_written(tmp_path):
    message = problems_of(csv_file(tmp_path, "单位名称,项目全称,年度预算（万元）\n某局,,abc\n"))
    assert "第2行B列“项目全称”：为空" in message and "第2行C列“年度预算（万元）”：“abc”不是数字" in message


def test_a_unit_named_in_full_and_without_its_city_is_refused(tmp_path):
    path = csv_file(tmp_path, "预算单位,项目名称\n东莞市教育局,学生资助\n东莞市教育局,校舍维修\n教育局,学生资助\n"
                              "惠州市教育局,教师培训\n")
    message = problems_of(path)
    assert "第4行A列“预算单位”：“教育局”像是第2行的“东莞市教育局”、第5行的“惠州市教育局”中某一单位的简称，请写全称" in message
    path = csv_file(tmp_path, "预算单位,项目名称\n东莞市教育局,学生资助\n教育局,校舍维修\n惠州市财政局,培训\n")
    assert "第3行A列“预算单位”：“教育局”与第2行的“东莞市教育局”像是同一单位的两种写法，请统一为一种" in problems_of(path)
    assert len(read_roster(csv_file(tmp_path, "预算单位,项目名称\n东莞市教育局,学生资助\n惠州市教育局,培训\n"))) == 2


def test_duplicate_project_code(tmp_path):
    path = csv_file(tmp_path, "预算单位,项目名称,项目编码\n甲,一,P1\n乙,二,P1\n")
    assert "第3行C列“项目编码”：编码“P1”与第2行重复" in problems_of(path)


def test_empty_roster_and_missing_file(tmp_path):
    assert "空的" in problems_of(csv_file(tmp_path, ""))
    assert "没有任何项目" in problems_of(csv_file(tmp_path, HEADER + "\n", name="h.csv"))
    assert "找不到" in problems_of(tmp_path / "nope.csv")
    assert "这是一个文件夹" in problems_of(tmp_path)


def test_unreadable_excel_file(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert "无法读取" in problems_of(path)


def test_undecodable_csv(tmp_path):
    path = tmp_path / "bin.csv"
    path.write_bytes(b"\xff\xfe\x00\x81\x30\x81\xff" * 10)
    assert "编码" in problems_of(path)


def test_the_example_roster_is_the_seed_unit():
    entries = read_roster("examples/roster.csv")
    assert len(entries) == 16 and {e.budget_unit for e in entries} == {"中国国际贸易促进委员会东莞市委员会"}
    assert all(e.annual_budget_wan <= e.midterm_budget_wan for e in entries)


def test_a_stray_value_far_away_in_a_roster_is_passed_over_not_a_crash(tmp_path):
    # Opened as a department's workbook is: in a child capped at 4 GB, where calamine loading
    # the whole used range (A1:XFD1048576) would abort; the stray row, nothing in the roster's
    # columns, is no project.
    import subprocess
    import sys
    import textwrap

    path = tmp_path / "r.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["预算单位", "项目名称"])
    ws.write_row(1, 0, ["财务科", "物业管理费"])
    ws.write(1048575, 16383, "误填")
    wb.close()
    script = textwrap.dedent(f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
        from sheetsync.errors import RosterError
        from sheetsync.roster import read_roster
        try:
            print([(e.row, e.budget_unit, e.project_name) for e in read_roster({str(path)!r})])
        except RosterError as exc:
            print(exc)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[(2, '财务科', '物业管理费')]"


def test_title_lines_above_the_header_are_passed_over(tmp_path):
    path = tmp_path / "r.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    ws.merge_range(0, 0, 0, 3, "2026年项目支出绩效目标填报名单")
    ws.write(1, 0, "填报单位：财政局")
    ws.write_row(2, 0, HEADER.split(","))
    ws.write_row(3, 0, ["财务科", "物业管理费", 110.28, 36.76])
    wb.close()
    assert read_roster(path) == [RosterEntry(4, "财务科", "物业管理费", "", 110.28, 36.76)]


def test_a_name_longer_than_the_form_allows(tmp_path):
    message = problems_of(csv_file(tmp_path, HEADER + "\n财务科," + "长" * 201 + ",3,1\n"))
    assert "第2行B列“项目名称”：超过表格限定的200字（现201字）" in message


def test_a_unit_with_the_amount_note_or_the_line_label_is_refused(tmp_path):
    # Prefilled as it is, the form's unit line would read back otherwise: every copy a mismatch.
    message = problems_of(csv_file(tmp_path, HEADER + "\n东莞市某局　单位：万元,项目一,3,1\n预算单位：乙局,项目二,3,1\n"))
    assert "第2行A列“预算单位”：“东莞市某局　单位：万元”中的“单位：万元”是金额单位的说明" in message
    assert "第3行A列“预算单位”：“预算单位：乙局”以“预算单位：”开头" in message


def test_an_amount_too_large_is_said_so(tmp_path):
    message = problems_of(csv_file(tmp_path, HEADER + "\n财务科,项目一,1000000000000000,1\n"))
    assert "太大" in message and "不是数字" not in message


def test_a_duplicate_row_with_another_problem_is_named_for_both(tmp_path):
    message = problems_of(csv_file(tmp_path, HEADER + "\n某局,A,x,\n某局,A,1,\n某局,,1,\n某局,,2,\n"))
    assert "第2行C列“中期市财政预算（万元）”：“x”不是数字" in message
    assert "第3行B列“项目名称”：项目“A”与第2行重复" in message
    assert message.count("为空") == 2 and message.count("与第") == 1


def test_a_header_below_a_title_is_checked_as_the_header(tmp_path):
    message = problems_of(csv_file(tmp_path, "2026年项目名单\n预算单位,项目名称,项目名称\n财务科,甲,乙\n"))
    assert "第2行：列“项目名称”出现了两次" in message and "缺少" not in message


@pytest.mark.parametrize("note", ["单位：元", "（金额单位：元）", "金额单位为千元"])
def test_amounts_in_yuan_by_a_note_above_the_header_are_refused(tmp_path, note):
    path = csv_file(tmp_path, f"2026年项目名单,,,,\n,,,{note},\n预算单位,项目名称,项目编码,中期市财政预算,本年度申请市财政预算资金\n"
                              "东莞市某局,办公设备购置,P1,12000000,4000000\n")
    message = problems_of(path)
    assert "第2行：" in message and "本表以万元为单位；请把金额换算为万元" in message


def test_a_note_of_wan_above_the_header_or_of_yuan_without_amounts_is_no_problem(tmp_path):
    rows = "预算单位,项目名称,中期市财政预算,本年度申请市财政预算资金\n东莞市某局,办公设备购置,1200,400\n"
    assert len(read_roster(csv_file(tmp_path, "金额单位：万元\n" + rows))) == 1
    assert len(read_roster(csv_file(tmp_path, "单位：元\n预算单位,项目名称\n东莞市某局,办公设备购置\n"))) == 1


def test_totals_numbering_and_notes_are_no_projects(tmp_path):
    path = csv_file(tmp_path, "序号,预算单位,项目名称,中期市财政预算,本年度申请市财政预算资金\n"
                              "栏次,1,2,3,4\n"
                              "1,东莞市某局,甲,40,10\n2,东莞市某局,乙,20,10\n,东莞市某局,小计（2个项目）,60,20\n"
                              "3,东莞市某办,丙,30,10\n,东莞市某办,某办小计,30,10\n,,合计（3个项目）,90,30\n"
                              "注：金额以预算系统为准,,,,\n")
    entries = read_roster(path)
    assert [(e.row, e.budget_unit, e.project_name) for e in entries] == [
        (3, "东莞市某局", "甲"), (4, "东莞市某局", "乙"), (6, "东莞市某办", "丙")]


def test_a_note_merged_across_the_roster_is_no_project(tmp_path):
    path = tmp_path / "r.xlsx"
    with xlsxwriter.Workbook(path) as wb:
        ws = wb.add_worksheet()
        ws.write_row(0, 0, ["序号", "预算单位", "项目名称", "项目编码", "中期市财政预算", "本年度申请市财政预算资金"])
        ws.write_row(1, 0, [1, "东莞市某局", "甲", "P1", 30, 10])
        ws.merge_range(2, 0, 2, 3, "备注：项目编码以预算系统为准")
    assert [(e.row, e.project_name) for e in read_roster(path)] == [(2, "甲")]


def test_amounts_under_a_header_in_yuan_are_refused(tmp_path):
    path = csv_file(tmp_path, "预算单位,项目名称,中期市财政预算（元）,本年度申请市财政预算资金(千元)\n甲,一,1102800,367.6\n")
    message = problems_of(path)
    assert "列“中期市财政预算（元）”的金额单位是元，本表以万元为单位" in message
    assert "列“本年度申请市财政预算资金(千元)”的金额单位是千元" in message


def test_codes_that_differ_only_in_spaces_or_width_are_duplicates(tmp_path):
    # The collection takes P 001 and P001 for one project: the roster may not hand out both.
    path = csv_file(tmp_path, "预算单位,项目名称,项目编码\n甲,一,P 001\n乙,二,P001\n甲,三,Ｑ002\n甲,四,Q002\n")
    message = problems_of(path)
    assert "第3行C列“项目编码”：编码“P001”与第2行的“P 001”重复" in message
    assert "第5行C列“项目编码”：编码“Q002”与第4行的“Ｑ002”重复" in message


def test_a_long_code_stored_as_a_number_is_refused(tmp_path):
    path = tmp_path / "r.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["预算单位", "项目名称", "项目编码"])
    ws.write_row(1, 0, ["财务科", "物业管理费", 2021441900000001])
    ws.write_row(2, 0, ["财务科", "水电费", 202144190000001])  # 15 digits: kept exactly
    wb.close()
    message = problems_of(path)
    assert "第2行C列“项目编码”" in message and "文本格式" in message
    assert "第3行" not in message


def test_numbered_spare_rows_and_a_unit_merged_down(tmp_path):
    path = tmp_path / "r.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["序号", "预算单位", "项目名称"])
    ws.merge_range(1, 1, 2, 1, "财务科")
    ws.write_row(1, 0, [1])
    ws.write(1, 2, "物业管理费")
    ws.write_row(2, 0, [2])
    ws.write(2, 2, "水电费")
    ws.write_row(3, 0, [3])  # a spare row, numbered in advance
    wb.close()
    assert read_roster(path) == [RosterEntry(2, "财务科", "物业管理费"), RosterEntry(3, "财务科", "水电费")]


def test_apostrophes_in_a_csv_are_kept(tmp_path):
    path = csv_file(tmp_path, "预算单位,项目名称\n甲,'A'类项目\n甲,'引号项目'\n乙,it's\n")
    assert [e.project_name for e in read_roster(path)] == ["'A'类项目", "'引号项目'", "it's"]


def test_numbered_spare_rows_in_a_csv(tmp_path):
    path = csv_file(tmp_path, "序号,预算单位,项目名称\n1,甲,一\n2,,\n3,,\n")
    assert read_roster(path) == [RosterEntry(2, "甲", "一")]


def two_row_header(tmp_path, group: str = "预算金额（万元）"):
    """序号, 预算单位 and 项目名称 merged down over rows 1–2; the amounts' group merged across
    D1:E1 with the amounts' own names below it."""
    path = tmp_path / "r.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    for col, label in enumerate(["序号", "预算单位", "项目名称"]):
        ws.merge_range(0, col, 1, col, label)
    ws.merge_range(0, 3, 0, 4, group)
    ws.write_row(1, 3, ["中期市财政预算", "本年度申请市财政预算资金"])
    ws.write_row(2, 0, [1, "甲局", "项目A", 30, 10])
    ws.write_row(3, 0, [2, "甲局", "项目B", 60, 20])
    wb.close()
    return path


def test_a_header_over_two_rows_is_one_header(tmp_path):
    assert read_roster(two_row_header(tmp_path)) == [
        RosterEntry(3, "甲局", "项目A", "", 30.0, 10.0),
        RosterEntry(4, "甲局", "项目B", "", 60.0, 20.0),
    ]


def test_amounts_under_a_group_header_in_yuan_are_refused(tmp_path):
    message = problems_of(two_row_header(tmp_path, group="预算金额（元）"))
    assert "列“中期市财政预算（元）”的金额单位是元" in message


def test_a_row_repeating_the_header_is_no_project(tmp_path):
    message = problems_of(csv_file(tmp_path, "预算单位,项目名称\n预算单位,项目名称\n甲,一\n"))
    assert "1处问题" in message
    assert "第2行：“预算单位”“项目名称”列填的是表头的列名，不是项目" in message


def test_subtotal_and_total_rows_are_no_projects(tmp_path):
    path = tmp_path / "r.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["序号", "预算单位", "项目名称", "中期市财政预算（万元）", "本年度申请市财政预算资金（万元）"])
    ws.merge_range(1, 1, 3, 1, "甲局")
    ws.write_row(1, 0, [1]), ws.write_row(1, 2, ["项目一", 30, 10])
    ws.write_row(2, 0, [2]), ws.write_row(2, 2, ["项目二", 20, 10])
    ws.write_row(3, 2, ["小 计", 50, 20])
    ws.merge_range(4, 0, 4, 2, "合计")  # merged over the unit and name columns
    ws.write_row(4, 3, [50, 20])
    ws.write_row(5, 0, ["总计", "", "", 50, 20])
    wb.close()
    assert [e.project_name for e in read_roster(path)] == ["项目一", "项目二"]


def test_two_sheets_with_a_header_are_refused_not_half_read(tmp_path):
    path = tmp_path / "r.xlsx"
    wb = xlsxwriter.Workbook(path)
    for unit in ("教育局", "卫健局"):
        ws = wb.add_worksheet(unit)
        ws.write_row(0, 0, ["预算单位", "项目名称"])
        ws.write_row(1, 0, [f"东莞市{unit}", "项目一"])
    wb.add_worksheet("说明").write(0, 0, "各单位一个工作表")
    wb.close()
    message = problems_of(path)
    assert "2个工作表" in message and "“教育局”、“卫健局”" in message


def test_a_code_excel_turned_into_scientific_notation_is_refused(tmp_path):
    path = csv_file(tmp_path, "预算单位,项目名称,项目编码\n甲局,项目一,1.23457E+11\n乙局,项目二,P-2026-01\n")
    message = problems_of(path)
    assert "第2行C列“项目编码”" in message and "科学计数法" in message and "第3行" not in message


def test_invisible_characters_do_not_make_another_unit_or_project(tmp_path):
    path = csv_file(tmp_path, "预算单位,项目名称\n东莞市甲局,项目一\n\ufeff东莞市甲局\u200b,项目二\n东莞市甲局,项目一\u200b\n")
    message = problems_of(path)
    assert "第4行" in message and "重复" in message
    path = csv_file(tmp_path, "预算单位,项目名称\n东莞市甲局,项目一\n\ufeff东莞市甲局\u200b,项目二\n", name="r2.csv")
    assert {e.budget_unit for e in read_roster(path)} == {"东莞市甲局"}


def test_short_headers_of_the_annual_amount(tmp_path):
    for n, header in enumerate(["年度预算（万元）", "本年预算", "本年度预算"]):
        path = csv_file(tmp_path, f"预算单位,项目名称,{header}\n甲局,项目一,12.5\n", name=f"r{n}.csv")
        assert read_roster(path)[0].annual_budget_wan == 12.5, header


def test_an_amount_column_under_a_header_of_no_form_field_is_refused(tmp_path):
    path = csv_file(tmp_path, "预算单位,项目名称,预算金额（万元）,资金来源\n财务科,物业管理费,36.76,财政拨款\n")
    message = problems_of(path)
    assert "列“预算金额（万元）”填的像是金额，但看不出是哪一项预算" in message
    assert "“中期市财政预算（万元）”或“本年度申请市财政预算资金（万元）”" in message
    assert "资金来源" not in message


def test_other_amount_columns_beside_both_of_the_forms_are_kept_for_reference(tmp_path):
    path = csv_file(tmp_path, HEADER + ",上年预算（万元）,功能科目编码\n财务科,物业管理费,3,1,2,2010101\n")
    assert read_roster(path) == [RosterEntry(2, "财务科", "物业管理费", "", 3.0, 1.0)]


def test_a_text_column_whose_header_mentions_money_is_no_amount(tmp_path):
    path = csv_file(tmp_path, "预算单位,项目名称,资金说明\n财务科,物业管理费,按合同支付\n")
    assert read_roster(path) == [RosterEntry(2, "财务科", "物业管理费")]


def test_a_cell_showing_a_formula_error_is_named_not_read_as_empty(tmp_path):
    path = tmp_path / "r.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    ws.write_row(0, 0, HEADER.split(","))
    ws.write_row(1, 0, ["财务科", "物业管理费"])
    ws.write_formula(1, 2, "=VLOOKUP(B2,预算!A:B,2,0)", None, "#N/A")
    ws.write_formula(2, 0, "=Sheet2!A1", None, "#REF!")
    ws.write(2, 1, "水电费")
    wb.close()
    message = problems_of(path)
    assert "第2行C列“中期市财政预算（万元）”：单元格显示的是公式错误“#N/A”" in message
    assert "第3行A列“预算单位”：单元格显示的是公式错误“#REF!”" in message


def test_a_code_shown_with_zeros_before_it_keeps_them(tmp_path):
    path = tmp_path / "r.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["预算单位", "项目名称", "项目编码", "中期市财政预算（万元）"])
    ws.write_row(1, 0, ["财务科", "物业管理费", 124, 30])
    ws.write_number(1, 2, 124, wb.add_format({"num_format": "00000"}))
    wb.close()
    [entry] = read_roster(path)
    assert (entry.project_code, entry.midterm_budget_wan) == ("00124", 30.0)


def test_a_header_label_merged_across_two_columns_names_one_column(tmp_path):
    path = tmp_path / "r.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    ws.write(0, 0, "预算单位")
    ws.merge_range(0, 1, 0, 2, "项目名称")
    ws.write(0, 3, "本年度申请市财政预算资金（万元）")
    ws.write_row(1, 0, ["财务科", "物业管理费", "", 2])
    ws.merge_range(2, 1, 2, 2, "水电费")
    ws.write(2, 0, "财务科")
    wb.close()
    assert read_roster(path) == [RosterEntry(2, "财务科", "物业管理费", "", None, 2.0),
                                 RosterEntry(3, "财务科", "水电费")]


@pytest.mark.parametrize("name", ["名单.et", "名单.csv"])
def test_a_workbook_roster_is_told_by_its_content_not_its_name(tmp_path, name):
    # WPS saves its own .et (a compound file, as .xls); an .xls renamed .csv happens too.
    from xls_files import write_xls

    path = write_xls(tmp_path / name, {"Sheet1": {(0, 0): "预算单位", (0, 1): "项目名称",
                                                  (1, 0): "财务科", (1, 1): "物业管理费"}})
    assert read_roster(path) == [RosterEntry(2, "财务科", "物业管理费")]
