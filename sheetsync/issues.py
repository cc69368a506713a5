"""Problems found in the data, as records.

Every problem is an :class:`Issue` with its location as fields; the Chinese message is
built here, in one place, from the code's template and the issue's parameters::

    >>> issue("missing_field", file="a.xlsx", sheet="项目1", cell="B4", field="project_name", label="项目名称")
    Issue(file='a.xlsx', sheet='项目1', cell='B4', field='project_name', severity='error', code='missing_field', message='未填写“项目名称”，请补充。')
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"
INFO = "info"

ISSUE_COLUMNS = ["file", "sheet", "cell", "field", "severity", "code", "message"]
# File-level notes on files no department sent as its forms: Excel's lock files, our own
# summary, our unchanged feedback copies, the coordinator's roster.
NOT_SENT = ("lock_file", "own_summary", "feedback_copy", "roster_file")
# The errors of a template's sheet that no longer holds its project's form.
SHEET_GONE = ("sheet_deleted", "sheet_emptied")

# code → (severity, message template). Templates use the keyword parameters given to
# issue(); the location (file, sheet, cell) is never repeated inside the message. The form's
# labels (``{level3_label}``, ``{unit_label}`` …) come from its spec (FormSpec.message_labels).
CATALOGUE: dict[str, tuple[str, str]] = {
    # --- files --------------------------------------------------------------
    "not_a_workbook": (ERROR, "文件不是Excel/WPS/LibreOffice表格（{detail}），无法读取，请另存为.xlsx后重新提交。"),
    "corrupt_file": (ERROR, "文件已损坏或不完整，无法打开（{detail}），请重新保存后提交。"),
    "reader_crashed": (ERROR, "读取此文件时读取程序意外终止，文件可能已损坏，请用Excel或WPS打开后另存为.xlsx再提交。"),
    "unreadable_file": (ERROR, "文件无法读取（{detail}），请检查文件权限，或是否正被其他程序占用。"),
    "unreadable_folder": (ERROR, "文件夹无法打开（{detail}），其中的文件都没有读取，请检查文件夹权限。"),
    "empty_file": (ERROR, "文件是空的（0字节），请重新提交。"),
    "encrypted_file": (ERROR, "文件设置了打开密码，无法读取，请取消密码后重新提交。"),
    "zip_bomb": (ERROR, "文件解压后过大（{detail}），为安全起见未读取，请检查文件后重新提交。"),
    "own_summary": (INFO, "这是sheetsync生成的汇总表，不是填报的表格，已跳过。"),
    "archive_not_read": (WARNING, "这是压缩包，其中的表格没有读取，请解压后放入文件夹再汇总。"),
    "other_file": (INFO, "不是表格文件（{suffix}），没有读取；如是某单位提交的绩效目标表，请其另存为.xlsx后重新提交。"),
    "feedback_copy": (INFO, "这是为“{source}”生成的反馈副本，内容与原文件相同，原文件已在本次读取，本副本未重复计入。"),
    "lock_file": (INFO, "这是Excel打开文件时生成的临时锁定文件（~$开头），已跳过。"),
    "roster_file": (INFO, "这是项目名单（带“预算单位”“项目名称”等列的表头），不是填报的表格，已跳过；如要对照名单查看提交情况，请用 --roster 指定它。"),
    "no_form": (ERROR, "文件中没有找到“{title}”，请使用下发的模板填写。"),
    "unreadable_sheet": (ERROR, "工作表无法读取（{detail}）。"),
    "range_too_large": (ERROR, "文件中有工作表的内容范围过大（共{cells}个单元格），无法读取，多半是远处的单元格误填了内容。请删除表格以外多余的行、列和内容后保存再提交。"),
    "damaged_sheet_size": (ERROR, "文件已损坏：工作表“{name}”记录的表格范围是{rows}行×{cols}列，超出了.xls格式的上限（{max_rows}行×{max_cols}列），整个文件无法读取。请用Excel或WPS打开后另存为.xlsx再提交。"),
    "looping_structure": (ERROR, "文件已损坏：文件内部的存储结构首尾相接，读取会陷入死循环，整个文件无法读取。请用Excel或WPS打开后另存为.xlsx再提交。"),
    "sheet_too_large": (ERROR, "工作表的内容一直延伸到{extent}（{rows}行×{cols}列），范围过大，无法读取。请删除表格以外多余的行、列和内容后保存再提交。"),
    # --- fields -------------------------------------------------------------
    "missing_field": (ERROR, "未填写“{label}”，请补充。"),
    "formula_error": (ERROR, "{what}显示错误值{error}（公式计算出错），读不到内容，请改正公式或直接填写。"),
    "bad_amount": (ERROR, "“{label}”应填数字（单位：万元），现为“{text}”，请改为数字。"),
    "amount_too_large": (ERROR, "“{label}”为“{text}”，超出了任何项目预算可能的数额，请核对数字和单位（万元）。"),
    "negative_amount": (ERROR, "“{label}”不能为负数，现为{value}。"),
    "amount_in_yuan": (WARNING, "“{label}”为{value}，看起来是按“元”填写的，本表单位是“万元”，请核对。"),
    "amount_converted": (WARNING, "“{label}”填的是“{text}”（{unit}），已换算为{value}万元读取，请改为以万元为单位的数字。"),
    "amount_scaled": (WARNING, "“{label}”单元格里存的数是{stored}，靠单元格格式显示为“{text}”，已按{value}万元读取，请直接填写以万元为单位的数字。"),
    "amount_as_text": (WARNING, "“{label}”以文本形式填写（“{text}”），已按{value}万元读取，请改为数字格式。"),
    "annual_above_midterm": (ERROR, "“{label}”（{value}万元）超过“{limit_label}”（{limit}万元），请核对。"),
    "missing_year": (WARNING, "未找到年度（如“（2021 年度）”），请补充。"),
    "period_not_from_year": (WARNING, "“{label}”的期间为{period}，没有从本表年度{year}年开始，可能沿用了往年的表格，请核对年度和期间。"),
    "missing_unit": (ERROR, "未填写{unit_label}，请补充。"),
    "unit_label_missing": (WARNING, "{unit_label}一栏没有“{unit_label}：”字样，已把“{unit}”读作单位名称，请在单位名称前补上“{unit_label}：”。"),
    "unit_line_more": (WARNING, "{unit_label}一栏在单位名称后另起一行填了“{text}”，已只把第一行“{unit}”读作单位名称，请核对。"),
    "text_too_long": (WARNING, "“{label}”超过{max_length}字（现{length}字），请精简。"),
    # --- indicators ---------------------------------------------------------
    "indicators_in_one_row": (WARNING, "这一行的{period}{level3_label}和{value_label}都分{count}行填写，看起来是{count}个指标填在了同一行，汇总时只算一个指标（定性）。请每个指标各占一行。"),
    "empty_level1": (ERROR, "{level1_label}“{level1}”下没有填写任何{period}{level3_label}，请至少填写一项。"),
    "level3_without_value": (ERROR, "{period}{level3_label}“{level3}”未填写{value_label}，请补充。"),
    "value_without_level3": (ERROR, "{period}{value_label}“{value}”没有对应的{level3_label}名称，请补充。"),
    "unknown_level2": (WARNING, "{level2_label}“{level2}”不属于{level1_label}“{level1}”（对照各指标体系），请核对后从下拉列表选择。"),
    "missing_table": (ERROR, "没有找到{table}表的表头（{headers}等），表中的指标无法读取，请按模板恢复表头。"),
    "no_indicators": (ERROR, "{table}表中没有填写任何指标，请至少填写一项三级指标和指标值。"),
    "second_form": (ERROR, "从第{row}行起是另一张表（{cells}个单元格），没有读取。一个工作表只能填一个项目，请把它移到单独的工作表后重新提交。"),
    "second_form_beside": (ERROR, "从{column}列起是另一张表（{cells}个单元格），没有读取。一个工作表只能填一个项目，请把它移到单独的工作表后重新提交。"),
    "renamed_column": (WARNING, "表头“{text}”不是表格规定的“{label}”，已按所在位置当作“{label}”一栏读取，请核对并改回“{label}”。"),
    "value_as_fraction": (WARNING, "{period}指标值读到的是数字{value}，原来可能填的是百分比（如95%被Excel存成0.95）。请把单元格设为文本格式后重新填写，如“≥95%”。"),
    "zero_rows": (INFO, "{count}行的三级指标是数字0（{cells}），多半是公式引用了空单元格（如把“=D8”向下复制到了空行），已当作空行跳过。如确是指标，请直接填写指标名称和指标值。"),
    "formula_as_text": (WARNING, "{what}“{text}”是公式的文字，没有计算（单元格是文本格式），读到的不是指标内容。请直接填写内容。"),
    "letter_o_in_number": (WARNING, "{period}指标值“{value}”的数字中有字母O，已当作数字0按“{read_as}”读取，请改正。"),
    "level3_is_value": (WARNING, "{period}{level3_label}“{level3}”是指标值，不是指标名称，请在此填写指标名称（如“培训人次”“满意度”），指标值填在{value_label}栏。"),
    "swapped_columns": (WARNING, "{period}{level3_label}“{level3}”是指标值，{value_label}“{value}”却像是指标名称，两栏可能填反了，请对调后重新提交。"),
    "value_as_date": (WARNING, "{period}指标值读到的是日期{value}，原来可能填的是“2021年12月”之类的文字，被Excel存成了日期。请把单元格设为文本格式后重新填写。"),
    "unknown_level1": (WARNING, "{level1_label}“{level1}”不在任何指标体系中，请核对。"),
    "missing_level1": (ERROR, "{period}指标“{level3}”没有{level1_label}，请补充。"),
    "missing_level2": (WARNING, "{period}指标“{level3}”没有{level2_label}，请补充。"),
    # --- leftovers and identity ----------------------------------------------
    "unclaimed_cell": (WARNING, "此单元格的内容不属于表格中的任何栏目，未被汇总：“{text}”。请移到正确位置或删除。"),
    "unclaimed_more": (WARNING, "从此单元格起，另有{count}个单元格的内容不属于表格中的任何栏目，未被汇总（前{shown}个已逐一列出）。请移到正确位置或删除。"),
    "identity_mismatch": (ERROR, "工作表与模板记录不符：{detail}。请勿修改预填的项目信息。"),
    "sheet_deleted": (ERROR, "模板中的工作表{what}已被删除，没有读到这个项目。如该项目仍要申报，请恢复该工作表后重新提交。"),
    "sheet_emptied": (ERROR, "模板中的工作表{what}里的表格已被清空或删除，没有读到这个项目。如该项目仍要申报，请按模板恢复该工作表、填写后重新提交。"),
    "sheet_sent_elsewhere": (INFO, "模板中的工作表{what}在本文件中已被删除或清空，该项目已在“{other}”中收到。"),
    "old_template": (WARNING, "该文件使用的是旧版模板（第{found}版，现行第{current}版），请改用新模板。"),
    "unknown_template": (WARNING, "模板标识与当前表格规范不一致（{detail}），已按表格标签读取。"),
    # --- importing published text (sheetsync/importer.py, text_*.py); the cell is "第N行" --------
    "text_unreadable": (ERROR, "文件无法按文本读取（{detail}），请另存为UTF-8编码的文本后重新导入。"),
    "text_no_form": (ERROR, "文本中没有找到“{title}”，无法导入。请确认这是批复表导出的文本。"),
    "text_no_indicators": (ERROR, "没有找到“{label}”表头，该项目的指标未导入，请对照原表核对。"),
    "text_unclaimed_line": (WARNING, "这一行不属于表格中的任何栏目，未导入：“{text}”。请对照原表核对。"),
    "text_separator": (INFO, "分隔线“{text}”不是表格内容，已跳过。"),
    "text_page_number": (INFO, "页码“{text}”不是表格内容，已跳过。"),
    "text_header_repeated": (INFO, "指标表的表头在这里重复出现（多半是原表换页处），已跳过。"),
    "text_html_removed": (WARNING, "“{label}”中的网页标记{tags}已删除。"),
    "text_label_spaced": (INFO, "标签“{text}”中有空格，已按“{label}”识别。"),
    "text_value_wrapped": (WARNING, "“{label}”被拆成两行（“{first}”和这一行的“{rest}”），已合并读取，请对照原表核对。"),
    "text_label_wrapped": (WARNING, "标签被拆成两行（“{first}”和下一行的“{rest}”），已合并为“{label}”。"),
    "text_row_shifted": (WARNING, "这一行行首缺少{count}个空单元格，已按“{anchor}”所在的栏目对齐读取。"),
    "text_label_moved": (WARNING, "“{text}”出现在“{found}”栏，已按“{label}”读取。"),
    "text_empty_level2": (INFO, "二级指标“{level2}”（{period}）下没有三级指标和指标值，不作为指标导入。"),
    "text_header_mismatch": (WARNING, "表头“{text}”与“{label}”不一致，已按栏目位置读取。"),
    "text_fragment_placed": (WARNING, "表格后的零散文字“{fragment}”是第{line}行“{label}”溢出的部分，已补回“{gap}”：“{context}”。"),
    "text_fragment_unplaced": (WARNING, "表格后的零散文字“{fragment}”无法确定属于哪个单元格，未导入，请对照原表核对。"),
    "text_truncated": (WARNING, "“{label}”似乎被截断（结尾为“{tail}”，另一栏的同一内容更长），请对照原表补全。"),
    "text_year_mismatch": (WARNING, "标题中的年度（{title_year}年）与年度行（{year}年）不一致，已按年度行读取，请对照原表核对。"),
    "text_duplicate_field": (WARNING, "“{label}”出现了不止一次，已采用第{line}行的内容，这一行的“{text}”未导入。"),
    # --- added by the reader (sheetsync/reader.py, sheet_reader.py, safety.py, checks.py) -------
    "file_not_found": (ERROR, "找不到该文件，请核对路径。"),
    "blank_form": (INFO, "此工作表是未填写的空白表，已跳过。"),
    "project_twice_in_file": (WARNING, "这一工作表与工作表“{other}”是同一项目“{project}”（多半是复制工作表后修改的）。一个项目只应填一张表，汇总采用的是“{used}”，请删除不用的那一张。"),
    "merged_hidden_field": (WARNING, "“{label}”填在了被合并单元格遮住的位置，表格里看不到，也打印不出来；已按所填内容读取。请取消从{merge}开始的合并，把内容填在{merge}中后再合并。"),
    "merged_hidden_text": (WARNING, "这个单元格被从{merge}开始的合并单元格遮住，其中的“{text}”在表格里看不到，未读取。如需要这项内容，请取消合并后单独填写。"),
    "cell_comment": (INFO, "单元格上有批注：“{text}”。批注不读入汇总表，其中如有需要填报的内容，请填写在表格中。"),
    "hidden_form": (WARNING, "此工作表是隐藏的，其中的表格也已读取（同一项目另有未隐藏的表格时，一般采用未隐藏的，见汇总表的提交情况）。如是不用的旧稿，请删除该工作表。"),
    "ignored_sheet": (INFO, "此工作表不是绩效目标表（没有找到表格标签），已跳过。"),
    "roster_sheet": (INFO, "此工作表是项目名单（带“预算单位”“项目名称”等列的表头），不是绩效目标表，已跳过。"),
    "other_year": (WARNING, "本表是{year}年度的表格，而本次收集的是{round_year}年度的表格，请核对是否交错了年度的表格。"),
    "missing_label": (WARNING, "没有找到“{label}”这一栏，请勿删除或改写表格中的栏目名称。"),
}


@dataclass(frozen=True)
class Issue:
    """One problem: where it is, how bad, what it is and what to do about it."""

    file: str
    sheet: str
    cell: str
    field: str
    severity: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def issue(code: str, *, file: str = "", sheet: str = "", cell: str = "", field: str = "", severity: str | None = None, **params: object) -> Issue:
    """Build the :class:`Issue` for ``code``, its message filled from ``params``."""
    default_severity, template = CATALOGUE[code]
    return Issue(
        file=str(file),
        sheet=sheet,
        cell=cell,
        field=field,
        severity=severity or default_severity,
        code=code,
        message=template.format(**params),
    )
