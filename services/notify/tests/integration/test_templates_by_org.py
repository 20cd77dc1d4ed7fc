"""Templates belong to an org: a district's applies beneath it unless a street or community saves its own; only
an admin whose scope covers the org may change it; every change is on the trail."""
from __future__ import annotations

import pytest

from linli_devtools.asgi import client, eventually

from notify_helpers import COMMUNITY, OTHER, event, notifications, publish

STREET = COMMUNITY[:9]
OTHER_STREET_COMMUNITY = "130303002001"
OTHER_DISTRICT_COMMUNITY = "440303001001"


def assigned(task_id: str, community: str):
    data = {"task_id": task_id, "community_code": community, "resident_id": "r-1", "resident_name": "周凤兰",
            "reason": "routine", "due_from": "2025-03-01", "due_by": "2025-03-10", "assignee": "w1"}
    return event("linli.visits.task.assigned.v1", data, task_id, 2, community=community)


@pytest.fixture
async def admin_of(app, make_token):
    opened = []

    def make(org: str, sub: str | None = None, roles=("admin",)):
        opened.append(client(app, make_token(roles=list(roles), scope=[org], sub=sub or f"admin-{org}")))
        return opened[-1]

    yield make
    for opened_client in opened:
        await opened_client.aclose()


async def test_an_admin_changes_only_the_templates_of_orgs_in_their_scope(app, admin_of):
    community_admin = admin_of(COMMUNITY)
    body = {"body": "请走访{{ resident_name }}"}
    for org in ("130303", STREET, OTHER):
        refused = await community_admin.put(f"/v1/orgs/{org}/templates/task_assigned.inbox", json=body)
        assert (refused.status_code, refused.json()["code"]) == (403, "auth.scope"), org
    worker = admin_of(COMMUNITY, roles=("worker",))
    assert (await worker.put(f"/v1/orgs/{COMMUNITY}/templates/task_assigned.inbox", json=body)).status_code == 403
    assert (await community_admin.put(f"/v1/orgs/{COMMUNITY}/templates/task_assigned.inbox", json=body)).is_success
    for code, expected in (("1303030010", "org.code.invalid"), ("130303|.*", "org.code.invalid"),
                           (f"{COMMUNITY}-03", "template.org.invalid")):
        bad = await admin_of("130303").put(f"/v1/orgs/{code}/templates/task_assigned.inbox", json=body)
        assert (bad.status_code, bad.json()["code"]) == (422, expected), code
    assert (await admin_of(COMMUNITY).get("/v1/orgs/130303/templates")).status_code == 403


async def test_a_message_uses_the_nearest_orgs_template_community_then_street_then_district_then_built_in(
        app, ctx, admin_of, nats_url):
    for org, text in (("130303", "区:{{ resident_name }}"), (STREET, "街道:{{ resident_name }}"),
                      (COMMUNITY, "社区:{{ resident_name }}")):
        saved = await admin_of(org).put(f"/v1/orgs/{org}/templates/task_assigned.inbox", json={"body": text})
        assert saved.status_code == 200 and saved.json()["org_code"] == org
    listed = {t["key"]: t for t in (await admin_of(OTHER).get(f"/v1/orgs/{OTHER}/templates")).json()}
    assert (listed["task_assigned.inbox"]["org_code"], listed["task_assigned.inbox"]["body"]) == (
        STREET, "街道:{{ resident_name }}")
    assert listed["task_overdue.inbox"]["org_code"] is None and not listed["task_overdue.inbox"]["customized"]

    expected = {COMMUNITY: "社区:周凤兰", OTHER: "街道:周凤兰", OTHER_STREET_COMMUNITY: "区:周凤兰",
                OTHER_DISTRICT_COMMUNITY: "新走访任务:周凤兰(例行走访),请于2025-03-10前完成。"}
    for i, community in enumerate(expected):
        await publish(nats_url, assigned(f"t-{i}", community))
    items = await eventually(lambda: _inbox_bodies(ctx, len(expected)))
    assert items == expected


async def _inbox_bodies(ctx, n: int) -> dict[str, str] | None:
    docs = await notifications(ctx.db, recipient_id="w1", channel="inbox")
    return {d["community_code"]: d["body"] for d in docs} if len(docs) == n else None


async def test_every_template_change_is_on_the_trail_for_the_orgs_admins(app, admin_of):
    street_admin = admin_of(STREET, sub="street-admin")
    url = f"/v1/orgs/{STREET}/templates/task_overdue.inbox"
    assert (await street_admin.put(url, json={"body": "一:{{ resident_name }}"})).json()["version"] == 1
    assert (await street_admin.put(url, json={"body": "二:{{ resident_name }}"})).json()["version"] == 2
    assert (await street_admin.delete(url)).status_code == 204
    assert (await street_admin.delete(url)).json()["code"] == "template.not_customized"
    changes = (await street_admin.get(f"/v1/orgs/{STREET}/template-changes")).json()["items"]
    assert [(c["action"], c["actor"], c["org_code"], c["key"], c["old_body"], c["new_body"]) for c in changes] == [
        ("created", "street-admin", STREET, "task_overdue.inbox", None, "一:{{ resident_name }}"),
        ("updated", "street-admin", STREET, "task_overdue.inbox", "一:{{ resident_name }}", "二:{{ resident_name }}"),
        ("deleted", "street-admin", STREET, "task_overdue.inbox", "二:{{ resident_name }}", None)]
    assert all(c["at"] for c in changes)
    district_view = (await admin_of("130303").get("/v1/orgs/130303/template-changes")).json()["items"]
    assert len(district_view) == 3  # a district admin sees the changes beneath the district
    assert (await admin_of(COMMUNITY).get(f"/v1/orgs/{STREET}/template-changes")).status_code == 403
    assert (await street_admin.get("/v1/templates")).status_code == 404  # no unscoped templates any more
