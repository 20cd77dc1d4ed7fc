"""Recording a visit: it closes the matching task, reports needs, and plans the next routine visit."""
from __future__ import annotations

import uuid
from datetime import date

from linli_shared.auth import Access, Principal
from linli_shared.errors import conflict, invalid, not_found
from linli_shared.outbox import Tx

from linli_visits.domain.commands import RecordVisit
from linli_visits.domain.rules import is_future_visit
from linli_visits.domain.visitors import needs_staff_lookup, visitor_of
from linli_visits.events import NeedReported, VisitRecorded
from linli_visits.service_layer import planning
from linli_visits.service_layer.context import Visits
from linli_visits.storage import needs, projection, tasks, visits
from linli_visits.storage import staff as staff_directory
from linli_visits.storage.needs import Need
from linli_visits.storage.tasks import Task
from linli_visits.storage.visits import VisitRecord


async def record_visit(ctx: Visits, principal: Principal, community: str, command: RecordVisit) -> VisitRecord:
    principal.authorize(community, Access.WRITE)
    if is_future_visit(command.visited_at, ctx.clock.now()):
        raise invalid("visit.visited_at.future", f"visited_at {command.visited_at} is in the future",
                      ["body", "visited_at"])
    resident = await projection.resident(ctx.db, command.resident_id)
    if resident is None:
        raise invalid("visit.resident.unknown", f"resident {command.resident_id} is not known to visits",
                      ["body", "resident_id"])
    if resident["community_code"] != community:
        raise invalid("visit.resident.other_community",
                      f"resident {command.resident_id} lives in {resident['community_code']}, not {community}",
                      ["body", "resident_id"])

    staff = (await staff_directory.staff_member(ctx.db, command.visitor)
             if needs_staff_lookup(principal, command.visitor) else None)
    visitor = visitor_of(principal, command.visitor, staff, community)

    async def work(tx: Tx) -> VisitRecord:
        task = await _task_to_close(tx, command)
        visit = _visit_record(command, community, principal.sub, visitor, task, ctx.clock.day_of(command.visited_at))
        await visits.add(tx, visit)
        await _report_needs(tx, visit, command)
        if task and command.met:
            await tasks.complete(tx, task, visit.id, ctx.clock.now())
        if command.met and visit.reason == "routine":
            await _next_routine(ctx, tx, visit)
        tx.emit(VisitRecorded(visit_id=visit.id, community_code=community, resident_id=command.resident_id,
                              task_id=visit.task_id, reason=visit.reason, visited_at=command.visited_at,
                              method=command.method, met=command.met, visitor=visit.visitor,
                              needs_found=len(command.needs), aid_total_cny=visit.aid_total_cny),
                subject=visit.id, community=community, aggregate_version=1)
        return visit

    return await ctx.uow.run(work)


async def _task_to_close(tx: Tx, command: RecordVisit) -> Task | None:
    if command.task_id is None:  # the open task of the same resident and reason, the earliest due first
        return await tasks.earliest_pending(tx, command.resident_id, command.reason)
    task = await tasks.get(tx, command.task_id)
    if task is None or task.resident_id != command.resident_id:
        raise invalid("visit.task.mismatch", f"task {command.task_id} is not a task of resident {command.resident_id}",
                      ["body", "task_id"])
    if task.status not in tasks.PENDING:
        raise conflict(f"task.already_{task.status}", f"task {command.task_id} is already {task.status}")
    return task


def _visit_record(command: RecordVisit, community: str, sub: str, visitor: str, task: Task | None,
                  visited_on: date) -> VisitRecord:
    """`visited_on` is the committee's own calendar day, whatever offset the client sent."""
    return VisitRecord(id=str(uuid.uuid4()), community_code=community, resident_id=command.resident_id,
                       task_id=task.id if task else None, reason=task.reason if task else command.reason,
                       visited_at=command.visited_at, visited_on=visited_on, method=command.method, met=command.met,
                       visitor=visitor, recorded_by=sub, observations=command.observations, aid=list(command.aid),
                       aid_total_cny=round(sum(item.value_cny for item in command.aid), 2), needs=[])


async def _report_needs(tx: Tx, visit: VisitRecord, command: RecordVisit) -> None:
    for found in command.needs:
        need = Need(id=str(uuid.uuid4()), community_code=visit.community_code, resident_id=visit.resident_id,
                    visit_id=visit.id, **found.model_dump(), status="open", reported_at=visit.visited_at)
        await needs.add(tx, need)
        visit.needs.append(need.id)
        tx.emit(NeedReported(need_id=need.id, community_code=need.community_code, resident_id=need.resident_id,
                             visit_id=visit.id, category=found.category, urgent=found.urgent),
                subject=need.id, community=need.community_code, aggregate_version=1)
    if visit.needs:
        await visits.name_needs(tx, visit)


async def _next_routine(ctx: Visits, tx: Tx, visit: VisitRecord) -> None:
    """The next routine visit is due a cadence after this one."""
    resident = await projection.visited_routinely(tx, visit.resident_id, visit.visited_on.isoformat(), visit.id)
    await planning.plan_resident(ctx, tx, resident)


async def history(ctx: Visits, principal: Principal, resident_id: str) -> list[VisitRecord]:
    community = await projection.community_of(ctx.db, resident_id)
    if community is None:
        raise not_found("resident.not_found", f"resident {resident_id} is not known to visits")
    principal.authorize(community, Access.READ)
    return await visits.history(ctx.db, resident_id)
