"""Visit task routes: a community's list, a worker's own list, assignment."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from linli_shared.auth import CurrentPrincipal
from linli_shared.orgs import OrgCode
from linli_shared.pagination import DEFAULT_LIMIT, Cursor, Limit, Page

from linli_visits.api.deps import VisitsDep
from linli_visits.api.schemas import AssignIn, TaskOut
from linli_visits.domain.policy import Reason
from linli_visits.service_layer import tasks

router = APIRouter(prefix="/v1", tags=["tasks"])
Status = Literal["open", "overdue", "completed", "cancelled"]
ListedStatus = Literal["open", "overdue", "completed", "cancelled", "pending"]
Order = Literal["id", "due"]


@router.get("/communities/{code}/visit-tasks", response_model=Page[TaskOut])
async def list_tasks(
        code: OrgCode, ctx: VisitsDep, principal: CurrentPrincipal,
        status: Annotated[ListedStatus | None, Query(description="`pending` is open or overdue")] = None,
        reason: Reason | None = None, resident_id: str | None = None, assignee: str | None = None,
        due_before: Annotated[date | None, Query(description="only tasks due by the day before this one")] = None,
        window_open_on: Annotated[date | None, Query(
            description="only tasks whose window has opened on this day (due_from on or before it)")] = None,
        order: Annotated[Order, Query(description="`id` (the default) or `due`: nearest due first, then by id; "
                                                  "a cursor belongs to the order it was given for")] = "id",
        limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[TaskOut]:
    """A community's tasks. A worker's day: `status=pending&window_open_on=<today>&order=due`."""
    found, next_cursor = await tasks.community_tasks(
        ctx, principal, code, limit, cursor, status=status, reason=reason, resident_id=resident_id,
        assignee=assignee, due_before=due_before, window_open_on=window_open_on, by_due=order == "due")
    return Page(items=[TaskOut(**t.fields()) for t in found], next_cursor=next_cursor)


@router.get("/my/visit-tasks", response_model=Page[TaskOut])
async def my_tasks(ctx: VisitsDep, principal: CurrentPrincipal, status: Status | None = None,
                   limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[TaskOut]:
    """The caller's own list: what is assigned to them, in their scope."""
    found, next_cursor = await tasks.my_tasks(ctx, principal, limit, cursor, status)
    return Page(items=[TaskOut(**t.fields()) for t in found], next_cursor=next_cursor)


@router.post("/visit-tasks/{task_id}/assign", response_model=TaskOut)
async def assign(task_id: str, body: AssignIn, ctx: VisitsDep, principal: CurrentPrincipal) -> TaskOut:
    return TaskOut(**(await tasks.assign(ctx, principal, task_id, body.staff_id)).fields())
