"""A worker registers a newcomer from the console: a baby into 王建国's household, from his card.

Uses conftest's seed (王建国, 82, heads a household in 工农里) and the accessibility module's page audit.
"""
from __future__ import annotations

import importlib.util
from datetime import date, timedelta
from pathlib import Path

from linli_devtools.orgs import COMMUNITY
from linli_devtools.people import id_number


def _page_audit():
    """test_accessibility.py's `_audit`, loaded by path (the browser tests are not a package)."""
    spec = importlib.util.spec_from_file_location("page_audit", Path(__file__).with_name("test_accessibility.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module._audit


def _wrong_check_digit(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def _household_members(stack, household_id: str) -> list[str]:
    with stack.api("registry") as registry:
        found = registry.get(f"/v1/communities/{COMMUNITY}/residents",
                             params={"household_id": household_id, "limit": 50}).json()
    return sorted(r["name"] for r in found["items"])


def test_a_worker_registers_a_newborn_into_a_household_from_its_card_and_a_wrong_id_is_explained(
        stack, phone, sign_in, screenshot):
    household_id = stack.residents["王建国"]["household_id"]
    before = _household_members(stack, household_id)
    baby = id_number(date.today() - timedelta(days=20), "female")
    sign_in(phone, "陈社工")
    phone.goto(f"{stack.console}/residents/{stack.residents['王建国']['id']}")
    phone.get_by_role("link", name="登记同户居民").click()
    phone.wait_for_url("**/register?household=*")
    assert phone.get_by_text("工农里").first.is_visible()  # the household's address, not address fields
    assert phone.get_by_label("小区").count() == 0
    id_field = phone.get_by_label("身份证号")
    assert (id_field.get_attribute("type"), id_field.get_attribute("autocomplete")) == ("text", "off")
    assert id_field.get_attribute("inputmode")
    assert _page_audit()(phone, "register") == []

    phone.get_by_label("姓名").fill("王小宝")
    id_field.fill(_wrong_check_digit(baby))
    phone.get_by_label("与户主关系").select_option("grandchild")
    phone.get_by_label("就业状况").select_option("preschool")
    phone.get_by_role("button", name="登记").click()
    assert phone.locator("#id_number-error").inner_text().endswith("身份证号校验位不对，可能抄错了一位，请核对")
    assert phone.get_by_label("姓名").input_value() == "王小宝"
    assert phone.get_by_label("与户主关系").input_value() == "grandchild"
    assert phone.get_by_label("就业状况").input_value() == "preschool"
    assert baby[:-1] not in phone.url
    assert _page_audit()(phone, "register, refused") == []
    screenshot(phone, "register-01-wrong-check-digit")
    assert _household_members(stack, household_id) == before  # nothing written

    phone.get_by_label("身份证号").fill(baby)
    phone.get_by_role("button", name="登记").click()
    assert phone.get_by_role("heading", name="王小宝").is_visible()
    assert phone.get_by_text("居民已登记。").is_visible()
    assert phone.locator("dd.id-number").inner_text().startswith("1303**************")
    assert phone.locator("ul.list a", has_text="王建国").is_visible()  # the same household
    assert baby not in phone.content() and baby[:-1] not in phone.url
    screenshot(phone, "register-02-new-card")
    assert _household_members(stack, household_id) == sorted([*before, "王小宝"])

    phone.goto(f"{stack.console}/register?household={household_id}")  # the same ID number again: a 409
    phone.get_by_label("姓名").fill("王小宝")
    phone.get_by_label("身份证号").fill(baby)
    phone.get_by_role("button", name="登记").click()
    assert "已经登记过" in phone.locator("#id_number-error").inner_text()
    assert _household_members(stack, household_id) == sorted([*before, "王小宝"])


def test_a_newcomer_moving_in_gets_a_new_household_at_the_address_typed(stack, phone, sign_in):
    sign_in(phone, "陈社工")
    phone.goto(f"{stack.console}/residents")
    phone.get_by_role("link", name="登记新居民").click()
    phone.wait_for_url("**/register*")
    assert _page_audit()(phone, "register, new household") == []
    assert phone.locator('.nav a[aria-current="page"]').get_attribute("href") == "/residents"  # still 查找居民
    phone.get_by_label("小区").fill("光明小区")
    phone.get_by_label("楼栋").fill("5")
    phone.get_by_label("门牌").fill("302")
    phone.get_by_label("姓名").fill("李新来")
    number = id_number(date(1990, 3, 8), "male")
    phone.get_by_label("身份证号").fill(_wrong_check_digit(number))
    phone.get_by_label("居住类型").select_option("resident_nonlocal")
    phone.get_by_role("button", name="登记").click()
    assert phone.locator("#id_number-error").is_visible()
    # the household the first try made is kept on the form: a second try makes no second household
    household_id = phone.locator("input[name=household_id]").input_value()
    assert phone.get_by_label("小区").count() == 0 and phone.get_by_label("姓名").input_value() == "李新来"

    phone.get_by_label("身份证号").fill(number)
    phone.get_by_role("button", name="登记").click()
    assert phone.get_by_role("heading", name="李新来").is_visible()
    assert "光明小区" in phone.locator("dd.address").inner_text()
    assert _household_members(stack, household_id) == ["李新来"]
