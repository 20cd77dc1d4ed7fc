"""Recording a visit: it closes the matching task, reports needs, and plans the next routine visit."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.errors import conflict, invalid, not_found
from linli_shared.outbox import Tx

from linli_visits.api.schemas import VisitIn
from linli_visits.domain.rules import is_future_visit
from linli_visits.domain.visitors import needs_staff_lookup, visitor_of
from linli_visits.events import NeedReported, TaskCompleted, VisitRecorded
from linli_visits.service_layer import planning
from linli_visits.service_layer.context import Visits
from linli_visits.storage import tasks
from linli_visits.storage.indexes import NEEDS, RESIDENTS, STAFF, TASKS, VISITS


async def record_visit(ctx: Visits, principal: Principal, community: str, body: VisitIn) -> dict[str, Any]:
    principal.authorize(community, Access.WRITE)
    if is_future_visit(body.visited_at, ctx.clock.now()):
        raise invalid("visit.visited_at.future", f"visited_at {body.visited_at} is in the future",
                      ["body", "visited_at"])
    resident = await ctx.db[RESIDENTS].find_one({"_id": body.resident_id})
    if resident is None:
        raise invalid("visit.resident.unknown", f"resident {body.resident_id} is not known to visits",
                      ["body", "resident_id"])
    if resident["community_code"] != community:
        raise invalid("visit.resident.other_community",
                      f"resident {body.resident_id} lives in {resident['community_code']}, not {community}",
                      ["body", "resident_id"])

    staff = await ctx.db[STAFF].find_one({"_id": body.visitor}) if needs_staff_lookup(principal, body.visitor) else None
    visitor = visitor_of(principal, body.visitor, staff, community)

    async def work(tx: Tx) -> dict[str, Any]:
        task = await _task_to_close(tx, body)
        visit = _visit_doc(body, community, principal.sub, visitor, task, ctx.clock.day_of(body.visited_at))
        await tx.db[VISITS].insert_one(visit, session=tx.session)
        await _report_needs(tx, visit, body)
        if task and body.met:
            await tasks.move(tx, task, "completed", TaskCompleted, ctx.clock.now(), visit_id=visit["_id"])
            await tx.db[TASKS].update_one({"_id": task["_id"]}, {"$set": {"visit_id": visit["_id"]}},
                                          session=tx.session)
        if body.met and visit["reason"] == "routine":
            await _next_routine(ctx, tx, visit)
        tx.emit(VisitRecorded(visit_id=visit["_id"], community_code=community, resident_id=body.resident_id,
                              task_id=visit["task_id"], reason=visit["reason"], visited_at=body.visited_at,
                              method=body.method, met=body.met, visitor=visit["visitor"],
                              needs_found=len(body.needs), aid_total_cny=visit["aid_total_cny"]),
                subject=visit["_id"], community=community, aggregate_version=1)
        return visit

    return await ctx.uow.run(work)


async def _task_to_close(tx: Tx, body: VisitIn) -> dict[str, Any] | None:
    if body.task_id is None:  # the open task of the same resident and reason, the earliest due first
        found = await tx.db[TASKS].find({"resident_id": body.resident_id, "reason": body.reason,
                                         "status": {"$in": list(tasks.PENDING)}},
                                        session=tx.session).sort("due_by", 1).limit(1).to_list()
        return found[0] if found else None
    task = await tx.db[TASKS].find_one({"_id": body.task_id}, session=tx.session)
    if task is None or task["resident_id"] != body.resident_id:
        raise invalid("visit.task.mismatch", f"task {body.task_id} is not a task of resident {body.resident_id}",
                      ["body", "task_id"])
    if task["status"] not in tasks.PENDING:
        raise conflict(f"task.already_{task['status']}", f"task {body.task_id} is already {task['status']}")
    return task


def _visit_doc(body: VisitIn, community: str, sub: str, visitor: str, task: dict[str, Any] | None,
               visited_on: date) -> dict[str, Any]:
    """`visited_on` is the committee's own calendar day, whatever offset the client sent."""
    aid = [item.model_dump(mode="json") for item in body.aid]
    return {"_id": str(uuid.uuid4()), "community_code": community, "resident_id": body.resident_id,
            "task_id": task["_id"] if task else None, "reason": task["reason"] if task else body.reason,
            "visited_at": body.visited_at, "visited_on": visited_on.isoformat(),
            "method": body.method, "met": body.met, "visitor": visitor, "recorded_by": sub,
            "observations": body.observations, "aid": aid,
            "aid_total_cny": round(sum(item["value_cny"] for item in aid), 2), "needs": []}


async def _report_needs(tx: Tx, visit: dict[str, Any], body: VisitIn) -> None:
    for need in body.needs:
        doc = {"_id": str(uuid.uuid4()), "community_code": visit["community_code"], "resident_id": visit["resident_id"],
               "visit_id": visit["_id"], **need.model_dump(), "status": "open", "reported_at": visit["visited_at"]}
        await tx.db[NEEDS].insert_one(doc, session=tx.session)
        visit["needs"].append(doc["_id"])
        tx.emit(NeedReported(need_id=doc["_id"], community_code=doc["community_code"], resident_id=doc["resident_id"],
                             visit_id=visit["_id"], category=need.category, urgent=need.urgent),
                subject=doc["_id"], community=doc["community_code"], aggregate_version=1)
    if visit["needs"]:
        await tx.db[VISITS].update_one({"_id": visit["_id"]}, {"$set": {"needs": visit["needs"]}}, session=tx.session)


async def _next_routine(ctx: Visits, tx: Tx, visit: dict[str, Any]) -> None:
    """The next routine visit is due a cadence after this one."""
    await tx.db[RESIDENTS].update_one({"_id": visit["resident_id"]},
                                      {"$set": {"last_routine_visit": visit["visited_on"],
                                                "last_routine_visit_id": visit["_id"]}}, session=tx.session)
    resident = await tx.db[RESIDENTS].find_one({"_id": visit["resident_id"]}, session=tx.session)
    await planning.plan_resident(ctx, tx, resident)


async def history(ctx: Visits, principal: Principal, resident_id: str) -> list[dict[str, Any]]:
    resident = await ctx.db[RESIDENTS].find_one({"_id": resident_id}, {"community_code": 1})
    if resident is None:
        raise not_found("resident.not_found", f"resident {resident_id} is not known to visits")
    principal.authorize(resident["community_code"], Access.READ)
    return await ctx.db[VISITS].find({"resident_id": resident_id}).sort("visited_at", -1).to_list()
