"""A worker's day in one call: a community's pending tasks whose window has opened, nearest due first, paged."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from linli_visits.storage import statistics_versions
from linli_visits.storage.tasks import Task

from visits_helpers import COMMUNITY, OTHER, TODAY

LIST = f"/v1/communities/{COMMUNITY}/visit-tasks"


def _task(key: str, due_in: int, status: str = "open", opens_in: int = -10, community: str = COMMUNITY) -> dict:
    return Task(id=key, community_code=community, resident_id=f"r-{key}", resident_name="周凤兰", reason="routine",
                due_from=TODAY + timedelta(days=opens_in), due_by=TODAY + timedelta(days=due_in), status=status,
                created_at=datetime.now(UTC), version=1).document()


async def test_pending_tasks_open_today_come_nearest_due_first_a_page_at_a_time(apps, visits):
    await apps[1].state.visits.db.tasks.insert_many([
        _task("a-later", 30), _task("b-overdue", -3, "overdue"), _task("c-today", 0), _task("d-soon", 2),
        _task("e-soon", 2), _task("f-not-yet-open", 1, opens_in=1), _task("g-done", -5, "completed"),
        _task("h-elsewhere", -9, community=OTHER)])
    day = {"status": "pending", "window_open_on": TODAY.isoformat(), "order": "due"}

    first = (await visits.get(LIST, params={**day, "limit": 3})).json()
    rest = (await visits.get(LIST, params={**day, "limit": 3, "cursor": first["next_cursor"]})).json()
    assert [t["id"] for t in first["items"]] == ["b-overdue", "c-today", "d-soon"]
    assert [t["id"] for t in rest["items"]] == ["e-soon", "a-later"] and rest["next_cursor"] is None

    due_soon = (await visits.get(LIST, params={**day, "due_before": (TODAY + timedelta(days=2)).isoformat()})).json()
    assert [t["id"] for t in due_soon["items"]] == ["b-overdue", "c-today"]
    by_id = (await visits.get(LIST)).json()  # without the new parameters: every status, in id order
    assert [t["id"] for t in by_id["items"]] == ["a-later", "b-overdue", "c-today", "d-soon", "e-soon",
                                                 "f-not-yet-open", "g-done"]


async def test_a_bad_order_date_or_status_is_a_422_naming_the_parameter(visits):
    for params, name in [({"order": "due_by"}, "order"), ({"due_before": "tomorrow"}, "due_before"),
                         ({"window_open_on": "2026-13-01"}, "window_open_on"), ({"status": "late"}, "status")]:
        response = await visits.get(LIST, params=params)
        assert response.status_code == 422, (params, response.text)
        assert name in response.text


async def test_a_residents_tasks_are_listed_only_under_the_residents_community(apps, visits):
    theirs = [{**_task(key, due_in), "resident_id": "r-1"} for key, due_in in (("a", 3), ("b", -1), ("c", 9))]
    await apps[1].state.visits.db.tasks.insert_many([*theirs, _task("d", 1), {**_task("e", 1, community=OTHER),
                                                                                "resident_id": "r-2"}])

    first = (await visits.get(LIST, params={"resident_id": "r-1", "status": "pending", "limit": 2})).json()
    rest = (await visits.get(LIST, params={"resident_id": "r-1", "status": "pending", "limit": 2,
                                           "cursor": first["next_cursor"]})).json()
    assert [t["id"] for t in first["items"] + rest["items"]] == ["a", "b", "c"] and rest["next_cursor"] is None
    elsewhere = (await visits.get(LIST, params={"resident_id": "r-2"})).json()
    assert elsewhere == {"items": [], "next_cursor": None}


async def test_a_workers_day_is_kept_until_the_communitys_data_version_moves(apps, visits):
    ctx = apps[1].state.visits
    await ctx.db.tasks.insert_many([_task("a", 1), _task("b", 2)])
    day = {"status": "pending", "window_open_on": TODAY.isoformat(), "order": "due"}
    assert [t["id"] for t in (await visits.get(LIST, params=day)).json()["items"]] == ["a", "b"]

    await ctx.db.tasks.insert_one(_task("c", 0))  # behind the service's back: no event, no new version
    assert [t["id"] for t in (await visits.get(LIST, params=day)).json()["items"]] == ["a", "b"]
    await ctx.uow.run(lambda tx: statistics_versions.bump(tx, {COMMUNITY}))  # what every task's move does
    assert [t["id"] for t in (await visits.get(LIST, params=day)).json()["items"]] == ["c", "a", "b"]
