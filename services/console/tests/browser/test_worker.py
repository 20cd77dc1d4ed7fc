"""A grid worker's day in a real browser on a 375-px phone, against the real services; and what an attacker tries.

One stack for the module (conftest's session `stack`); each test has its own browser context (no shared cookies).
"""
from __future__ import annotations

import time

XSS_NAME = "<script>alert(1)</script>"  # as conftest seeds them
XSS_ESTATE = "\"><img src=x onerror=alert(1)>"


def _find(page, console: str, q: str) -> None:
    page.goto(f"{console}/residents")
    page.get_by_label("姓名、拼音首字母、证件号或手机号后几位、地址").fill(q)
    page.get_by_role("button", name="查找").click()


def _wait_for_task(page, console: str, resident_name: str, reason_label: str, tries: int = 240):
    """The visits service makes the task from the registry's event, on its own time: reload until it is listed."""
    task = page.locator("li.task", has_text=resident_name).filter(has_text=reason_label)
    for _ in range(tries):
        page.goto(f"{console}/")
        if task.count():
            return task
        time.sleep(0.5)
    raise AssertionError(f"no {reason_label} task for {resident_name} on the worker's list")


def test_a_worker_finds_an_80_year_old_by_pinyin_initials_and_closes_the_hospitalisation_visit(
        stack, phone, sign_in, screenshot):
    sign_in(phone, "陈社工")
    screenshot(phone, "01-today")
    _find(phone, stack.console, "WJG")
    phone.get_by_role("link", name="王建国").click()
    assert phone.get_by_role("heading", name="王建国").is_visible()
    assert phone.get_by_text("80岁以上老人").first.is_visible()
    screenshot(phone, "02-resident-card")

    phone.get_by_label("事件类型").select_option("hospitalized")
    phone.get_by_role("button", name="登记").click()
    assert phone.get_by_text("生活事件已登记").is_visible()
    assert phone.locator("ul.life-events li").filter(has_text="住院").count() == 1  # the registry lists it back
    screenshot(phone, "03-life-event-recorded")

    task = _wait_for_task(phone, stack.console, "王建国", "五必访·住院")
    screenshot(phone, "04-today-with-hospitalisation-task")
    task.get_by_role("link", name="记录走访").click()
    phone.get_by_label("见到本人").check()
    phone.get_by_label("上门").check()
    phone.get_by_label("走访情况").fill("住院治疗中，精神尚可，家属陪护。")
    screenshot(phone, "05-record-visit")
    phone.get_by_role("button", name="保存走访记录").click()

    assert phone.get_by_text("走访已记录。").is_visible()
    assert phone.locator("li.task", has_text="王建国").filter(has_text="五必访·住院").count() == 0
    screenshot(phone, "06-today-after-visit")
    resident_id = stack.residents["王建国"]["id"]
    with stack.api("visits") as visits:
        tasks = visits.get("/v1/communities/130303001001/visit-tasks",
                           params={"resident_id": resident_id, "reason": "hospitalized"}).json()["items"]
    assert [t["status"] for t in tasks] == ["completed"]


def test_the_card_is_masked_until_a_deliberate_reveal_which_the_registry_records(stack, phone, sign_in, screenshot):
    sign_in(phone, "刘书记", pii=True)
    resident = stack.residents["王建国"]
    phone.goto(f"{stack.console}/residents/{resident['id']}")
    full_id = resident["id_number"]
    assert full_id not in phone.content() and "*" in phone.locator("dd.id-number").inner_text()
    admin = stack.staff["刘书记"]["id"]
    reveals = {"actor": admin, "resident_id": resident["id"], "action": "pii.read"}
    with stack.api("registry") as registry:
        assert registry.get("/v1/audit-trail", params=reveals).json()["items"] == [], "opening the card revealed"
    phone.get_by_role("button", name="查看完整证件号和电话").click()
    assert phone.locator("dd.id-number").inner_text().startswith(full_id)
    screenshot(phone, "07-card-revealed")
    with stack.api("registry") as registry:
        trail = registry.get("/v1/audit-trail", params=reveals).json()
    assert [e["detail"]["via"] for e in trail["items"]] == ["read"], "the reveal, and only it, is on the trail"


def test_markup_in_a_name_and_an_estate_stays_text(stack, phone, sign_in, screenshot):
    sign_in(phone, "陈社工")
    _find(phone, stack.console, "5678")  # every seeded resident's phone ends so
    assert phone.get_by_text(XSS_NAME).is_visible()
    phone.goto(f"{stack.console}/residents/{stack.residents[XSS_NAME]['id']}")
    assert phone.get_by_role("heading", name=XSS_NAME).is_visible()
    assert XSS_ESTATE in phone.locator("dd.address").inner_text()
    assert phone.locator("script").count() == 0  # the console serves no script at all
    assert phone.locator("img").count() == 0
    screenshot(phone, "08-markup-as-text")
    # and the phone fixture fails the test if any dialog (alert) opened


def test_a_worker_cannot_reach_a_resident_of_another_community(stack, phone, sign_in):
    sign_in(phone, "陈社工")
    other = stack.residents["孙秀英"]
    response = phone.goto(f"{stack.console}/residents/{other['id']}")
    assert response.status in (403, 404)
    assert phone.locator("p.problem").is_visible() and "孙秀英" not in phone.content()


def test_a_post_without_the_sessions_csrf_token_is_refused(stack, phone, sign_in):
    sign_in(phone, "陈社工")
    resident_id = stack.residents["王建国"]["id"]
    for form in ({"kind": "major_event", "date": "2026-01-01"},
                 {"kind": "major_event", "date": "2026-01-01", "csrf": "forged"}):
        response = phone.request.post(f"{stack.console}/residents/{resident_id}/life-events", form=form,
                                      max_redirects=0)
        assert response.status == 403 and "页面已过期或来源不明" in response.text()
    with stack.api("visits") as visits:
        tasks = visits.get("/v1/communities/130303001001/visit-tasks",
                           params={"resident_id": resident_id, "reason": "major_event"}).json()["items"]
    assert tasks == []


def test_the_session_cookie_is_httponly_secure_and_strict_and_pages_carry_a_csp(stack, phone, sign_in):
    sign_in(phone, "陈社工")
    (cookie,) = [c for c in phone.context.cookies() if c["name"] == "linli_console"]
    assert (cookie["httpOnly"], cookie["secure"], cookie["sameSite"]) == (True, True, "Strict")
    headers = phone.goto(f"{stack.console}/").headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
