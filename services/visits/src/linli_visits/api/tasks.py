"""Visit task routes: a community's list, a worker's own list, assignment."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from linli_shared.auth import Access, CurrentPrincipal
from linli_shared.orgs import OrgCode
from linli_shared.pagination import DEFAULT_LIMIT, Cursor, Limit, Page, page_by_id

from linli_visits.api.deps import VisitsDep, out
from linli_visits.api.schemas import AssignIn, TaskOut
from linli_visits.domain.policy import Reason
from linli_visits.service_layer import tasks
from linli_visits.storage.indexes import TASKS

router = APIRouter(prefix="/v1", tags=["tasks"])
Status = Literal["open", "overdue", "completed", "cancelled"]


@router.get("/communities/{code}/visit-tasks", response_model=Page[TaskOut])
async def list_tasks(code: OrgCode, ctx: VisitsDep, principal: CurrentPrincipal, status: Status | None = None,
                     reason: Reason | None = None, resident_id: str | None = None, assignee: str | None = None,
                     limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[TaskOut]:
    principal.authorize(code, Access.READ)
    filters = {"status": status, "reason": reason, "resident_id": resident_id, "assignee": assignee}
    query = {"community_code": code, **{k: v for k, v in filters.items() if v}}
    docs, next_cursor = await page_by_id(ctx.db[TASKS], query, limit, cursor)
    return Page(items=[TaskOut(**out(d)) for d in docs], next_cursor=next_cursor)


@router.get("/my/visit-tasks", response_model=Page[TaskOut])
async def my_tasks(ctx: VisitsDep, principal: CurrentPrincipal, status: Status | None = None,
                   limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[TaskOut]:
    """The caller's own list: what is assigned to them, in their scope."""
    query = {"assignee": principal.sub, **principal.scope_filter(),
             **({"status": status} if status else {"status": {"$in": ["open", "overdue"]}})}
    docs, next_cursor = await page_by_id(ctx.db[TASKS], query, limit, cursor)
    return Page(items=[TaskOut(**out(d)) for d in docs], next_cursor=next_cursor)


@router.post("/visit-tasks/{task_id}/assign", response_model=TaskOut)
async def assign(task_id: str, body: AssignIn, ctx: VisitsDep, principal: CurrentPrincipal) -> TaskOut:
    return TaskOut(**out(await tasks.assign(ctx, principal, task_id, body.staff_id)))
