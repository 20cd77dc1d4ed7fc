"""Seed 000's table fills itself for a community and its street; submit, return, resubmit; snapshots hold still."""
from __future__ import annotations

import json
from io import BytesIO

from openpyxl import load_workbook

from linli_devtools.asgi import eventually
from linli_devtools.streams import read_stream

from reports_helpers import COMMUNITY, OTHER, SEED_000, STREET, TODAY, household, publish, register, this_month

EMPLOYMENT = "linli.employment"


async def _people(registry) -> dict[str, dict]:
    couple = await household(registry)
    family = await household(registry)
    return {
        "alone_85": await register(registry, 85, name="周凤兰"),
        "husband_70": await register(registry, 70, "male", name="李建国", household_id=couple),
        "wife_68": await register(registry, 68, name="王秀英", household_id=couple, relation_to_head="spouse"),
        "laid_off_45": await register(registry, 45, name="赵丽", employment_status="laid_off"),
        "unemployed_35": await register(registry, 35, "male", name="孙强", employment_status="unemployed"),
        "father_40": await register(registry, 40, "male", name="钱伟", household_id=family,
                                    employment_status="employed"),
        "child_10": await register(registry, 10, name="钱小雨", household_id=family, relation_to_head="child"),
        "other_81": await register(registry, 81, "male", community=OTHER, name="吴老汉"),
    }


async def _activity(nats_url: str, people: dict[str, dict]) -> None:
    now = TODAY.isoformat() + "T10:00:00+08:00"
    for n, (who, aid) in enumerate([("alone_85", 100.0), ("husband_70", 20.5)]):
        await publish(nats_url, "visits", "linli.visits.visit.recorded.v1", f"visit-{n}", COMMUNITY, {
            "visit_id": f"visit-{n}", "community_code": COMMUNITY, "resident_id": people[who]["id"], "task_id": None,
            "reason": "routine", "visited_at": now, "method": "in_person", "met": True, "visitor": "w1",
            "needs_found": 0, "aid_total_cny": aid})
    seeker = {"seeker_id": "seeker-1", "resident_id": people["laid_off_45"]["id"], "community_code": COMMUNITY,
              "status": "seeking", "priority_groups": ["hard_to_employ_4050"]}
    await publish(nats_url, "employment", f"{EMPLOYMENT}.seeker.registered.v1", "seeker-1", COMMUNITY, seeker)
    for ref in ("ref-1", "ref-2"):
        await publish(nats_url, "employment", f"{EMPLOYMENT}.referral.made.v1", ref, COMMUNITY, {
            "referral_id": ref, "seeker_id": "seeker-1", "resident_id": seeker["resident_id"],
            "community_code": COMMUNITY, "job_id": "job-1", "job_title": "保洁", "employer_name": "港城物业",
            "referred_by": "w1", "interview_at": None})
    await publish(nats_url, "employment", f"{EMPLOYMENT}.placement.started.v1", "pl-1", COMMUNITY, {
        "placement_id": "pl-1", "referral_id": "ref-1", "seeker_id": "seeker-1", "resident_id": seeker["resident_id"],
        "community_code": COMMUNITY, "job_id": "job-1", "start_date": TODAY.isoformat(), "wage_cny": 2400,
        "referred_by": "w1"})


async def _projected(store, residents: int) -> bool:
    return (await store.residents.count_documents({}) == residents and await store.placements.count_documents({}) == 1
            and await store.visits.count_documents({}) == 2 and await store.orgs.count_documents({}) >= 4)


async def test_seed_000_fills_itself_and_goes_through_review(registry, district, street, community, officer, store,
                                                             nats_url):
    people = await _people(registry)
    await _activity(nats_url, people)
    await eventually(lambda: _projected(store, len(people)), timeout=30)
    assert (await district.put(f"/v1/orgs/{STREET}/report-templates/seed_000", json=SEED_000)).status_code == 200

    started = await district.post("/v1/report-templates/seed_000/runs", json={"period": this_month()})
    assert started.status_code == 201, started.text
    run = started.json()
    by_community = {r["community_code"]: r["report_id"] for r in run["reports"]}
    assert sorted(by_community) == [COMMUNITY, OTHER]
    report = (await community.get(f"/v1/reports/{by_community[COMMUNITY]}")).json()
    assert report["values"] == {"elderly_60": 3, "elderly_80": 1, "empty_nest": 2, "unemployed": 2, "hard_4050": 1,
                                "women_60_plus": 2, "visits": 2, "aid": 120.5, "referrals_4050": 2,
                                "placed_4050": 1}
    assert (report["status"], report["revision"], report["template_version"]) == ("draft", 1, 1)
    assert set(report["watermark"]) == {"registry", "visits", "employment"}
    other = (await street.get(f"/v1/reports/{by_community[OTHER]}")).json()
    assert (other["values"]["elderly_80"], other["values"]["visits"]) == (1, 0)

    # "Which one?": the lineage lists exactly the counted residents, masked, never an ID number.
    lineage = (await community.get(f"/v1/reports/{report['id']}/cells/elderly_60/lineage", params={"limit": 2}))
    page = lineage.json()
    rest = (await community.get(f"/v1/reports/{report['id']}/cells/elderly_60/lineage",
                                params={"limit": 2, "cursor": page["next_cursor"]})).json()
    names = {p["name"] for p in page["items"] + rest["items"]}
    assert names == {"周凤兰", "李建国", "王秀英"} and page["total"] == 3 and rest["next_cursor"] is None
    assert "id_number" not in json.dumps(page) and people["alone_85"]["id_number"] not in json.dumps(page)
    nest = (await community.get(f"/v1/reports/{report['id']}/cells/empty_nest/lineage")).json()
    assert sorted(len(h["members"]) for h in nest["items"]) == [1, 2]
    placed = (await community.get(f"/v1/reports/{report['id']}/cells/placed_4050/lineage")).json()
    assert [(p["id"], p["resident_name"]) for p in placed["items"]] == [("pl-1", "赵丽")]
    assert (await officer.get(f"/v1/reports/{report['id']}/cells/elderly_60/lineage")).status_code == 403
    assert (await officer.get(f"/v1/reports/{report['id']}")).status_code == 200

    # The community fills its manual cell and submits; the street, not the community, reviews.
    stale = await community.put(f"/v1/reports/{report['id']}/manual-cells", json={"cells": {"notes": "x"}},
                                headers={"If-Match": '"7"'})
    assert stale.status_code == 412
    filled = await community.put(f"/v1/reports/{report['id']}/manual-cells",
                                 json={"cells": {"notes": "时至今日共提供就业岗位2个"}},
                                 headers={"If-Match": f'"{report["version"]}"'})
    assert filled.status_code == 200 and filled.json()["manual"] == {"notes": "时至今日共提供就业岗位2个"}
    not_manual = await community.put(f"/v1/reports/{report['id']}/manual-cells", json={"cells": {"elderly_80": 99}},
                                     headers={"If-Match": f'"{filled.json()["version"]}"'})
    assert not_manual.json()["code"] == "report.cell.not_manual"
    assert (await community.post(f"/v1/reports/{report['id']}/submit")).json()["status"] == "submitted"
    waiting = (await street.get(f"/v1/orgs/{STREET}/reports", params={"status": "submitted"})).json()
    assert [r["id"] for r in waiting["items"]] == [report["id"]]
    statuses = {r["community_code"]: r["status"] for r in (await street.get(f"/v1/report-runs/{run['id']}")).json()[
        "reports"]}
    assert statuses == {COMMUNITY: "submitted", OTHER: "draft"}
    assert (await community.post(f"/v1/reports/{report['id']}/accept")).status_code == 403
    assert (await community.post(f"/v1/reports/{report['id']}/recompute")).json()["code"] == "report.not_recomputable"

    # The 85-year-old dies: the submitted report does not move.
    died = await registry.post(f"/v1/residents/{people['alone_85']['id']}/life-events",
                               json={"kind": "deceased", "date": TODAY.isoformat()})
    assert died.status_code == 201, died.text
    await eventually(lambda: store.residents.find_one({"_id": people["alone_85"]["id"], "status": "deceased"}))
    assert (await community.get(f"/v1/reports/{report['id']}")).json()["values"] == report["values"]

    comment = "请核实80岁以上人数，联系13812345678"
    returned = await street.post(f"/v1/reports/{report['id']}/return", json={"comment": comment})
    assert (returned.json()["status"], returned.json()["comment"]) == ("returned", comment)
    again = (await community.post(f"/v1/reports/{report['id']}/recompute")).json()
    assert again["revision"] == 2 and again["manual"] == {"notes": "时至今日共提供就业岗位2个"}
    assert {k: again["values"][k] for k in ("elderly_60", "elderly_80", "empty_nest")} == {
        "elderly_60": 2, "elderly_80": 0, "empty_nest": 1}
    assert (await community.get(f"/v1/reports/{report['id']}/cells/elderly_80/lineage")).json()["items"] == []
    assert (await community.post(f"/v1/reports/{report['id']}/submit")).json()["status"] == "submitted"
    accepted = (await street.post(f"/v1/reports/{report['id']}/accept")).json()
    assert accepted["status"] == "accepted"
    assert [h["action"] for h in accepted["history"]] == [
        "computed", "submitted", "returned", "computed", "submitted", "accepted"]

    events = await read_stream(nats_url, 8, "linli.reports.>")
    types = [json.loads(m.data)["type"].split(".")[3] for m in events]
    assert sorted(types) == sorted(["computed"] * 3 + ["submitted"] * 2 + ["returned", "accepted"])
    on_the_bus = [json.loads(m.data)["data"]["comment"] for m in events if ".returned." in json.loads(m.data)["type"]]
    assert on_the_bus == ["请核实80岁以上人数，联系138****5678"]  # typed text leaves masked


async def test_xlsx_in_the_template_layout_and_a_rollup_that_adds_up(registry, district, street, store, nats_url):
    people = await _people(registry)
    await _activity(nats_url, people)
    await eventually(lambda: _projected(store, len(people)), timeout=30)
    await district.put(f"/v1/orgs/{STREET}/report-templates/seed_000", json=SEED_000)
    run = (await district.post("/v1/report-templates/seed_000/runs", json={"period": this_month()})).json()
    report_id = run["reports"][0]["report_id"]

    response = await street.get(f"/v1/reports/{report_id}.xlsx")
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    assert rows[0][0] == "社区基本情况统计表"
    header = rows.index(("指标", "数值", None, None))
    table = {label: value for label, value, *_ in rows[header + 1:]}
    assert table["60岁以上老年人"] == 3 and table["其中80岁以上"] == 1 and table["60岁以上的空巢老人户"] == 2
    assert list(table) == [i["label"] for i in SEED_000["indicators"]]

    rollup = await street.get(f"/v1/report-runs/{run['id']}/rollup.xlsx")
    sheet = [r[:4] for r in load_workbook(BytesIO(rollup.content)).active.values]
    head = next(i for i, r in enumerate(sheet) if r[0] == "指标")
    assert sheet[head][1:] == ("工农里社区", "建树里社区", "合计")
    by_label = {r[0]: r[1:] for r in sheet[head + 1:]}
    assert by_label["60岁以上老年人"] == (3, 1, 4) and by_label["其中80岁以上"] == (1, 1, 2)
    assert by_label["走访慰问金额（元）"] == (120.5, 0, 120.5)
    for label, (first, second, summed) in by_label.items():
        if isinstance(first, int | float):
            assert summed == first + second, label
    assert (await street.get(f"/v1/report-runs/{run['id']}")).json()["template_version"] == 1
