"""Jobs, 一表通 review, task assignment and the community picker in a real browser, against the real services.

The data each flow needs is made through the services' own APIs (as a ledger import or another screen would);
what a person does is done in the page.
"""
from __future__ import annotations

from datetime import date

from linli_devtools.orgs import COMMUNITY, OTHER_COMMUNITY, STREET
from linli_devtools.people import born_years_ago, id_number


def _seeker_and_posting(stack) -> None:
    """A 45-year-old out-of-work woman (4050) who wants cleaning work, and a cleaning job that suits 4050."""
    birth = born_years_ago(45, date.today())
    with stack.api("registry") as registry:
        resident = registry.post(f"/v1/communities/{COMMUNITY}/residents", json={
            "name": "李桂兰", "id_number": id_number(birth, "female"), "gender": "female",
            "birth_date": birth.isoformat(), "employment_status": "unemployed"})
        resident.raise_for_status()
    with stack.api("employment") as employment:
        rid = resident.json()["id"]
        stack.until(lambda: employment.get(f"/v1/job-seekers/{rid}").status_code == 200, "the seeker record")
        employment.post(f"/v1/communities/{COMMUNITY}/job-seekers", json={
            "resident_id": rid, "intentions": {"categories": ["cleaning"]}}).raise_for_status()
        employer = employment.post("/v1/employers", json={"name": "港城物业", "kind": "business",
                                                          "community_code": COMMUNITY})
        job = employment.post("/v1/jobs", json={
            "employer_id": employer.json()["id"], "title": "小区保洁员", "category": "cleaning", "headcount": 2,
            "wage_min_cny": 2200, "wage_max_cny": 2800, "suits_4050": True})
        job.raise_for_status()


def test_an_admin_refers_a_4050_seeker_from_a_postings_matches_and_records_the_hire(stack, desk, sign_in,
                                                                                   screenshot):
    _seeker_and_posting(stack)
    sign_in(desk, "刘书记")
    desk.goto(f"{stack.console}/jobs")
    desk.get_by_role("link", name="小区保洁员").click()
    assert "月薪（元）：2200–2800" in desk.locator("main p").first.inner_text()
    match = desk.locator("li.match", has_text="李桂兰")
    assert match.locator(".tag", has_text="4050人员").is_visible()
    assert match.locator("ul.reasons li").count() >= 1 and "4050" in match.locator("ul.reasons").inner_text()
    screenshot(desk, "30-posting-matches")

    match.get_by_role("button", name="推荐").click()
    desk.wait_for_url("**/jobs/referrals/**")
    assert desk.locator("#referral-status").inner_text() == "已推荐"
    desk.get_by_label("已录用").check()
    desk.get_by_label("入职日期").fill(date.today().isoformat())
    desk.get_by_label("月薪（元）").fill("2500")
    desk.get_by_role("button", name="记录结果").click()
    assert desk.locator("#referral-status").inner_text() == "已录用"
    screenshot(desk, "31-referral-hired")

    desk.goto(f"{stack.console}/jobs")
    row = desk.locator("#seekers tbody tr", has_text="李桂兰")
    assert "已就业" in row.inner_text()
    desk.goto(f"{stack.console}/community")
    figures = desk.locator("#employment")
    assert int(figures.locator("dd[data-key=placements]").inner_text()) >= 1
    assert int(figures.locator("dd[data-key=placed_4050]").inner_text()) >= 1
    screenshot(desk, "32-jobs-after-placement")


def _report_run(stack) -> None:
    """The street's template and this month's run: a draft report for each community."""
    stack.month_reports("basic", {"name": "社区基本情况统计表", "indicators": [
        {"key": "elderly_80", "label": "80岁以上老年人", "source": "registry_group", "group": "elderly_80"},
        {"key": "residents", "label": "常住人口", "source": "registry_group", "group": "residents"}]})


def _open_report(page, console: str) -> None:
    page.goto(f"{console}/admin/reports")
    row = page.locator("#reports tbody tr", has_text="工农里").first
    row.get_by_role("link", name="社区基本情况统计表").click()  # the template's name, not its key


def test_the_street_returns_a_report_with_a_reason_the_community_reads_then_accepts_it(stack, street_admin, desk,
                                                                                      sign_in, screenshot):
    _report_run(stack)
    sign_in(desk, "刘书记")
    _open_report(desk, stack.console)
    desk.get_by_role("button", name="提交街道审核").click()
    assert desk.locator("#report-status").inner_text() == "待审核"
    assert desk.get_by_role("button", name="审核通过").count() == 0  # the community does not review itself

    sign_in(desk, street_admin)
    _open_report(desk, stack.console)
    screenshot(desk, "40-report-submitted")
    desk.get_by_label("退回意见").fill("80岁以上人数与台账不符，请核实")
    desk.get_by_role("button", name="退回修改").click()
    assert desk.locator("#report-status").inner_text() == "已退回"

    sign_in(desk, "刘书记")
    _open_report(desk, stack.console)
    assert "80岁以上人数与台账不符，请核实" in desk.locator("p.problem").inner_text()
    screenshot(desk, "41-report-returned")
    desk.get_by_role("button", name="提交街道审核").click()
    assert desk.locator("#report-status").inner_text() == "待审核"

    sign_in(desk, street_admin)
    _open_report(desk, stack.console)
    desk.get_by_role("button", name="审核通过").click()
    assert desk.locator("#report-status").inner_text() == "已通过"
    assert [li.split(" · ")[1] for li in desk.locator("ol.history li").all_inner_texts()][-4:] == [
        "提交", "退回", "提交", "通过"]
    screenshot(desk, "42-report-accepted")


def _open_task(stack) -> dict:
    """A hospitalisation (五必访) for the 80-year-old: the visits service makes its task from the registry's event."""
    resident = stack.residents["王建国"]
    with stack.api("registry") as registry:
        registry.post(f"/v1/residents/{resident['id']}/life-events", json={
            "kind": "hospitalized", "date": date.today().isoformat()}).raise_for_status()
    with stack.api("visits") as visits:
        def task():
            items = visits.get(f"/v1/communities/{COMMUNITY}/visit-tasks", params={
                "resident_id": resident["id"], "reason": "hospitalized"}).json()["items"]
            return items[0] if items else None
        return stack.until(task, "the hospitalisation task")


def test_an_admin_assigns_an_open_task_and_the_worker_sees_it_as_theirs(stack, desk, phone, sign_in, screenshot):
    task = _open_task(stack)
    assert task["assignee"] is None
    sign_in(desk, "刘书记")
    desk.goto(f"{stack.console}/admin/tasks")
    row = desk.locator("#tasks tbody tr", has_text="王建国").filter(has_text="住院")
    row.get_by_label("负责人：王建国").select_option(label="陈社工")
    row.get_by_role("button", name="分派").click()
    assert desk.get_by_text("已分派。").is_visible()
    assert "陈社工" in desk.locator("#tasks tbody tr", has_text="王建国").filter(has_text="住院").inner_text()
    screenshot(desk, "50-task-assigned")

    sign_in(phone, "陈社工")
    mine = phone.locator("li.task", has_text="王建国").filter(has_text="住院")
    assert mine.locator(".tag", has_text="我的").is_visible()
    screenshot(phone, "51-worker-sees-assigned-task")


def _choose(page, label: str, code: str) -> None:
    page.get_by_label(label, exact=True).select_option(code)
    page.get_by_role("button", name="切换").click()
    page.wait_for_load_state()


def _choices(page, label: str) -> list[str]:
    return page.get_by_label(label, exact=True).locator("option").evaluate_all("os => os.map(o => o.value)")


def test_street_staff_pick_a_community_on_each_page_and_a_worker_cannot_ask_for_another(
        stack, street_admin, desk, phone, sign_in, screenshot):
    sign_in(desk, "周科长")  # the street's officer: figures and reports, rolled up or one community's
    for path in ("/community", "/admin/reports"):
        desk.goto(stack.console + path)
        assert _choices(desk, "社区或街道") == [STREET, COMMUNITY, OTHER_COMMUNITY], path
        assert desk.get_by_label("社区或街道", exact=True).input_value() == STREET  # the street's roll-up first
        _choose(desk, "社区或街道", OTHER_COMMUNITY)
        assert desk.get_by_label("社区或街道", exact=True).input_value() == OTHER_COMMUNITY, path
        if path == "/community":
            assert desk.locator("h1").inner_text().startswith("建树里社区")
    screenshot(desk, "60-officer-picks-community")

    sign_in(desk, street_admin)  # a page of one community: the first of the street's, then the one picked
    for path in ("/jobs", "/admin/tasks", "/admin/policy"):
        desk.goto(stack.console + path)
        assert _choices(desk, "社区") == [COMMUNITY, OTHER_COMMUNITY], path
        assert desk.get_by_label("社区", exact=True).input_value() == COMMUNITY
        _choose(desk, "社区", OTHER_COMMUNITY)
        assert desk.get_by_label("社区", exact=True).input_value() == OTHER_COMMUNITY, path
        assert desk.locator("p.problem").count() == 0, path
    screenshot(desk, "61-street-admin-picks-community")

    sign_in(phone, "陈社工")
    phone.goto(f"{stack.console}/jobs")
    assert phone.get_by_label("社区", exact=True).count() == 0  # one community: nothing to pick
    for path in (f"/jobs?community={OTHER_COMMUNITY}", f"/community?org={OTHER_COMMUNITY}"):
        response = phone.goto(stack.console + path)
        assert response.status == 403 and phone.locator("p.problem").is_visible(), path
    screenshot(phone, "62-worker-refused-other-community")
