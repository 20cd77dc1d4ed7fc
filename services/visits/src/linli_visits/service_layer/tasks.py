"""Task lists and assignment."""
from __future__ import annotations

from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.errors import conflict, invalid
from linli_shared.outbox import Tx

from linli_visits.service_layer.context import Visits
from linli_visits.storage import staff as staff_directory
from linli_visits.storage import statistics_versions, tasks
from linli_visits.storage.tasks import Task

Page = tuple[list[Task], str | None]


async def community_tasks(ctx: Visits, principal: Principal, community: str, limit: int, cursor: str | None,
                          **filters: Any) -> Page:
    """The community's tasks, narrowed by `filters` (storage.tasks.page_of_community's keywords).

    Nearest due first is a worker's day, asked for on every visit to the page; it reads every pending task of the
    community to sort them (60-130 ms for 1,648 on SecantusDB), so its pages are kept by the community's data
    version, which every task's creation and move bumps: an unchanged community costs one read of its version."""
    principal.authorize(community, Access.READ)
    if not filters.get("by_due"):
        return await tasks.page_of_community(ctx.db, community, limit, cursor, **filters)
    (version,) = await statistics_versions.versions_of(ctx.db, [community])  # read first: the page is as new
    key = (community, version, limit, cursor, *sorted(filters.items()))
    if (page := ctx.due_pages.get(key)) is None:
        page = await tasks.page_of_community(ctx.db, community, limit, cursor, **filters)
        ctx.due_pages.put(key, page)
    return page


async def my_tasks(ctx: Visits, principal: Principal, limit: int, cursor: str | None, status: str | None) -> Page:
    """The caller's own list: what is assigned to them, in their scope."""
    return await tasks.page_assigned(ctx.db, principal.sub, principal.scope_filter(), limit, cursor, status)


async def assign(ctx: Visits, principal: Principal, task_id: str, staff_id: str) -> Task:
    task = await tasks.authorized(ctx.db, task_id, principal, Access.ADMIN)
    if task.status not in tasks.PENDING:
        raise conflict("task.not_pending", f"the task is {task.status}; only open or overdue tasks are assigned")
    staff = await staff_directory.staff_member(ctx.db, staff_id)
    if staff is None or not staff.get("active", True):
        raise invalid("task.assignee.unknown", f"staff member {staff_id} is not in the staff directory",
                      ["body", "staff_id"])
    if staff["org_code"][:12] != task.community_code:
        raise invalid("task.assignee.other_community",
                      f"staff member {staff_id} works for {staff['org_code']}, not community {task.community_code}",
                      ["body", "staff_id"])
    if task.assignee == staff_id:
        return task

    async def work(tx: Tx) -> Task:
        current = await tasks.get(tx, task_id)
        moved = await tasks.reassign(tx, current, staff_id, ctx.clock.now())
        if moved is None:
            raise conflict("task.changed", "the task changed while assigning; re-read and retry")
        return moved

    return await ctx.uow.run(work)
