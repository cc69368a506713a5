import pytest

from sheetsync.values import QUALITATIVE, QUANTITATIVE, clean_text, parse_amount, parse_value


@pytest.mark.parametrize(
    ("text", "op", "num", "unit"),
    [
        ("≥95%", "≥", 95, "%"),
        ("95%以上", "≥", 95, "%"),
        ("不低于年初工作计划的90%", "≥", 90, "%"),
        ("每年不少于3次", "≥", 3, "次"),
        ("每年4次", "=", 4, "次"),
        ("每年两场", "=", 2, "场"),
        ("≤90万元", "≤", 90, "万元"),
        ("企业满意度≥95%", "≥", 95, "%"),
        ("每年≥95%", "≥", 95, "%"),
        ("9个Ukey", "=", 9, "个Ukey"),
        ("3万份", "=", 3, "万份"),
        ("≥60", "≥", 60, ""),
        ("满意度 ≥ 90", "≥", 90, ""),
        ("±3%以内", "±", 3, "%"),
        ("≥100百分比", "≥", 100, "百分比"),
        ("０．７５", "=", 0.75, ""),
        ("≤-5%", "≤", -5, "%"),
        ("-5%", "=", -5, "%"),
        ("1,000人", "=", 1000, "人"),
        ("四个租赁合同", "=", 4, "个租赁合同"),
        # 不超过 is not 超过: the longer word wins
        ("不超过5%", "≤", 5, "%"),
        # an ellipsis is the template's blank filled in after it, no decimal point
        ("不低于……90%", "≥", 90, "%"),
        ("约…50家", "≈", 50, "家"),
        ("≥...95%", "≥", 95, "%"),
        ("⋯⋯3次", "=", 3, "次"),
        ("成本不高于10万元", "≤", 10, "万元"),
        ("不大于3天", "≤", 3, "天"),
        ("不多于2次", "≤", 2, "次"),
        ("超过3次", ">", 3, "次"),
        ("≧95%", "≥", 95, "%"),
        ("≦10万元", "≤", 10, "万元"),
        ("⩾90%", "≥", 90, "%"),
        ("３场（含）以上", "≥", 3, "场"),
        ("5天(含)以内", "≤", 5, "天"),
        # ㎡, m² and m2 are one unit, not a second number
        ("≥5000㎡", "≥", 5000, "m²"),
        ("≥5000m²", "≥", 5000, "m²"),
        ("≥5000m2", "≥", 5000, "m²"),
        ("≥500m³", "≥", 500, "m³"),
        ("≤2km²", "≤", 2, "km²"),
        # a line break (Alt+Enter) or tab inside the value, as a space
        ("≥95\n%", "≥", 95, "%"),
        ("95\r\n%以上", "≥", 95, "%"),
        ("≥\t3场", "≥", 3, "场"),
        # durations, not dates
        ("项目持续发挥作用年限≥10年", "≥", 10, "年"),
        ("质保期≥1年", "≥", 1, "年"),
        ("使用年限5年", "=", 5, "年"),
        ("≤3日", "≤", 3, "日"),
        ("5日内", "≤", 5, "日"),
        ("5个工作日内", "≤", 5, "个工作日"),
        ("24小时内", "≤", 24, "小时"),
        ("3年以内", "≤", 3, "年"),
        ("3个月内", "≤", 3, "个月"),
        ("+-3%", "±", 3, "%"),
        ("+/-3%", "±", 3, "%"),
        ("约50家", "≈", 50, "家"),
        ("每年约50家", "≈", 50, "家"),
        ("大约3个月", "≈", 3, "个月"),
        ("50家左右", "≈", 50, "家"),
        ("90%左右", "≈", 90, "%"),
        ("50人上下", "≈", 50, "人"),
        ("节约10%", "=", 10, "%"),
        ("预约50人次", "=", 50, "人次"),
        ("100%完成", "=", 100, "%"),
        ("100％达标", "=", 100, "%"),
        ("100%以上完成", "≥", 100, "%"),
        ("5%内", "≤", 5, "%"),
        ("3‰内", "≤", 3, "‰"),
        ("约50家以上", "≥", 50, "家"),
        ("约50家以内", "≤", 50, "家"),
        ("平均约3天", "≈", 3, "天"),
        ("续约20家", "=", 20, "家"),
        ("带动50家上下游企业", "=", 50, "家上下游企业"),
        # A negation before a word of comparison turns it round.
        ("不得低于95%", "≥", 95, "%"),
        ("每年不应少于3次", "≥", 3, "次"),
        ("不宜超过30天", "≤", 30, "天"),
        ("严禁超过3天", "≤", 3, "天"),
        ("高于或等于90%", "≥", 90, "%"),
        ("最少5次", "≥", 5, "次"),
        ("最多5次", "≤", 5, "次"),
        ("≈50家", "≈", 50, "家"),
        ("=>95%", "≥", 95, "%"),
        # 达 is 达到 right before the number, not in 传达 or 下达.
        ("满意度达95%", "≥", 95, "%"),
        ("达90%", "≥", 90, "%"),
        ("传达3次", "=", 3, "次"),
        ("下达2批", "=", 2, "批"),
        # 一 before a period is the period's (每年); the count comes after it.
        ("一年两次", "=", 2, "次"),
        ("一年不少于两次", "≥", 2, "次"),
        ("5个工作日内完成", "≤", 5, "个工作日"),
        ("3日内办结", "≤", 3, "日"),
        ("24小时内响应", "≤", 24, "小时"),
        ("3次以上（含3次）", "≥", 3, "次"),
        ("≤10万元（含税）", "≤", 10, "万元"),
        ("≥5000M2", "≥", 5000, "m²"),
        ("≥9O%", "≥", 90, "%"),  # the letter O for a zero (letter_o_in_number)
        ("1OO%", "=", 100, "%"),
        ("≤O.5万元", "≤", 0.5, "万元"),
        ("3次或以上", "≥", 3, "次"),
        ("≥.95", "≥", 0.95, ""),
        ("≥100（人）", "≥", 100, "人"),  # the unit in brackets
        ("≥3千人", "≥", 3, "千人"),
        ("≥2024.5万元", "≥", 2024.5, "万元"),  # a number, not a year and month
    ],
)
def test_quantitative_values(text, op, num, unit):
    parsed = parse_value(text)
    assert (parsed.op, parsed.num, parsed.unit, parsed.kind) == (op, num, unit, QUANTITATIVE)


@pytest.mark.parametrize(
    "text",
    ["有效", "及时", "满意", "合格以上", "一流", "第一季度完成", "每年5-9月", "2020年9月", "达成/部分达成/未达成",
     "2021年度", "2025年底前", "O2O平台上线", "通过ISO9001认证", "CO2排放达标",
     "两年一次", "每两年一次", "2年一次",  # two numbers, as 2年1次
     "第4季度前", "9月", "每月10日前", "14时前", "三月", "9月30日", "22年底前", "21年初", "第1季度", "@SUM(A1)", "V2版本", "≥**%", "预算执行率≥",
     "宣传东莞投资环境，搭建我市与境外国家经贸合作网络渠道，帮助企业抢占海外市场商机，助推“东莞制造全球行”。",
     "2024.6前完成", "2024.12.31", "12.31前", "10日前完成", "二〇二四年底前",  # dates
     "100%完成年度工作任务",  # a sentence after the percent sign
     "100\n200人次", "3 5", "100…200人",  # two numbers on two lines or either side of an ellipsis, not one
     "≥" + "9" * 400 + "个"],  # a number too long to be one (it would be infinite)
)
def test_qualitative_values(text):
    parsed = parse_value(text)
    assert (parsed.op, parsed.num, parsed.unit, parsed.kind) == ("", None, "", QUALITATIVE)


def test_an_empty_value_is_neither_quantitative_nor_qualitative():
    assert parse_value("  ") == ("", None, "", "")


@pytest.mark.parametrize(
    ("cell", "value", "as_text", "unit"),
    [
        (0.75, 0.75, False, ""),
        (22, 22.0, False, ""),
        ("２２万元", 22.0, True, "万元"),
        ("1,234.50", 1234.5, True, ""),
        ("220000元", 220000.0, True, "元"),
        ("abc", None, True, ""),
        (None, None, False, ""),
        ("1" + "0" * 400, None, True, ""),
        (float("inf"), None, False, ""),
        (1.5e308, None, False, ""),  # two of them would add up to infinity in the summary
        ("-2e20万元", None, True, ""),
        (999_999_999_999.0, 999_999_999_999.0, False, ""),
    ],
)
def test_amounts(cell, value, as_text, unit):
    amount = parse_amount(cell)
    assert (amount.value, amount.as_text, amount.unit) == (value, as_text, unit)


def test_an_amount_beyond_any_budget_says_so():
    assert parse_amount(1.5e308).too_large and parse_amount("1" + "0" * 400).too_large
    assert not parse_amount("abc").too_large and not parse_amount(999_999.0).too_large


def test_clean_text_drops_float_noise():
    assert clean_text(3.0) == "3"
    assert clean_text(0.25) == "0.25"
    assert clean_text("  有效 \n") == "有效"
    assert clean_text(None) == ""


def test_parsed_values_are_remembered():
    # The same few hundred values recur on every sheet of a round: parsing each once is what
    # keeps collect's speed (benchmarks/README.md); a decorator slipped onto a helper lost it.
    parse_value.cache_clear()
    parse_value("≥95%")
    parse_value("≥95%")
    assert parse_value.cache_info().hits == 1
