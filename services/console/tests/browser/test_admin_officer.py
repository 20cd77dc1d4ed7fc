"""The committee's admin and the street's officer in a real browser, against the real services."""
from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook

from linli_devtools.orgs import COMMUNITY, OTHER_COMMUNITY, STREET
from linli_devtools.people import born_years_ago, id_number

HEADER = ["户编号", "小区", "楼栋", "单元", "门牌", "与户主关系", "姓名", "身份证号", "联系电话", "就业状况"]


def _row(ref: str, name: str, age: int, relation: str = "户主", employment: str = "退休",
         number: str | None = None) -> list[str]:
    birth = born_years_ago(age, date.today())
    return [ref, "光明小区", "2", "1", ref[-3:], relation, name,
            number or id_number(birth, "female"), "13900001111", employment]


def ledger(rows: list[list[str]]) -> bytes:
    """A committee's Excel ledger: a header row of Chinese column names, one resident a row."""
    book = Workbook()
    sheet = book.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def households(prefix: str, count: int) -> list[list[str]]:
    return [row for n in range(count) for row in (
        _row(f"{prefix}{n:03d}", f"测{prefix}{n}甲", 40 + n % 40), _row(f"{prefix}{n:03d}", f"测{prefix}{n}乙",
                                                                       38 + n % 40, relation="配偶"))]


def test_an_admin_uploads_a_ledger_with_two_bad_rows_and_reads_both_errors(stack, desk, sign_in, screenshot,
                                                                             tmp_path):
    good = households("A", 6)
    bad_checksum = id_number(born_years_ago(50, date.today()), "male")
    bad_checksum = bad_checksum[:-1] + ("0" if bad_checksum[-1] != "0" else "1")
    rows = [*good[:5], _row("A900", "错号码", 50, number=bad_checksum), *good[5:],
            _row("A901", "错状况", 45, employment="打零工")]  # spreadsheet rows 7 and 15 (row 1 is the header)
    path = tmp_path / "工农里台账.xlsx"
    path.write_bytes(ledger(rows))

    sign_in(desk, "刘书记")
    desk.goto(f"{stack.console}/ledger")
    screenshot(desk, "10-ledger")
    desk.get_by_label("台账文件").set_input_files(str(path))
    desk.get_by_role("button", name="开始导入").click()
    desk.wait_for_url("**/ledger/imports/**")
    desk.get_by_role("heading", name="有错的行").wait_for(timeout=30_000)  # the page refreshes itself until done

    errors = desk.locator("table.row-errors tbody tr")
    assert errors.count() == 2
    first, second = (errors.nth(i).locator("td").all_inner_texts() for i in range(2))
    assert (first[0], first[1]) == ("7", "身份证号") and "校验位" in first[2]
    assert (second[0], second[1]) == ("15", "就业状况")
    assert all("\u4e00" <= ch <= "\u9fff" for ch in second[2] if ch.isalpha()), second[2]  # said in Chinese
    assert desk.locator("#rows-ok").inner_text() == "12"
    screenshot(desk, "11-ledger-errors")
    for path, name in (("/community", "12-community"), ("/admin/tasks", "13-tasks"), ("/jobs", "14-jobs")):
        desk.goto(stack.console + path)
        screenshot(desk, name)


def test_an_admin_who_sets_an_impossible_visit_window_reads_why_next_to_the_field(stack, desk, sign_in, screenshot):
    sign_in(desk, "刘书记")
    desk.goto(f"{stack.console}/admin/policy")
    desk.get_by_label("住院后几天内走访").fill("99")
    desk.get_by_role("button", name="保存").click()
    assert "数值太大" in desk.locator("#hospitalized_days-error").inner_text()
    assert desk.get_by_label("住院后几天内走访").input_value() == "99"  # what was typed stays, to be corrected
    screenshot(desk, "15-policy-error")


def _numbers(row) -> dict[str, int]:
    """The figures of one table row as the page shows them; a suppressed cell is text, not a number."""
    cells = row.locator("td[data-key]")
    keys, texts = cells.evaluate_all("cells => cells.map(c => c.dataset.key)"), cells.all_inner_texts()
    return {k: int(v) for k, v in zip(keys, texts, strict=True) if v.strip().isdigit()}


def test_an_officer_sees_the_street_equal_the_sum_of_its_communities(stack, desk, sign_in, screenshot):
    stack.imported(COMMUNITY, "台账.xlsx", ledger(households("B", 10)))
    stack.imported(OTHER_COMMUNITY, "台账.xlsx", ledger(households("C", 10)))
    sign_in(desk, "周科长")
    desk.goto(f"{stack.console}/community?org={STREET}")
    rows = desk.locator("#breakdown tbody tr")
    assert rows.count() == 2
    communities = [_numbers(rows.nth(i)) for i in range(2)]
    street = _numbers(desk.locator("#breakdown tfoot tr"))
    compared = [k for k in street if all(k in c for c in communities)]
    assert {"residents", "households"} <= set(compared)
    assert {k: street[k] for k in compared} == {k: sum(c[k] for c in communities) for k in compared}
    assert desk.locator("#chart-groups title").text_content() == "人口结构与重点人群"
    screenshot(desk, "20-street-statistics")
    desk.goto(f"{stack.console}/admin/reports")
    screenshot(desk, "21-reports")
