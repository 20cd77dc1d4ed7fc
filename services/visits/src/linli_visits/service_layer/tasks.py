"""Task lists and assignment."""
from __future__ import annotations

from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.errors import conflict, invalid
from linli_shared.mongo import find_authorized
from linli_shared.outbox import Tx

from linli_visits.service_layer.context import Visits
from linli_visits.storage import tasks
from linli_visits.storage.indexes import STAFF, TASKS


async def load_task(ctx: Visits, principal: Principal, task_id: str, access: Access) -> dict[str, Any]:
    return await find_authorized(ctx.db[TASKS], task_id, principal, access, "visit task", "task.not_found")


async def assign(ctx: Visits, principal: Principal, task_id: str, staff_id: str) -> dict[str, Any]:
    task = await load_task(ctx, principal, task_id, Access.ADMIN)
    if task["status"] not in tasks.PENDING:
        raise conflict("task.not_pending", f"the task is {task['status']}; only open or overdue tasks are assigned")
    staff = await ctx.db[STAFF].find_one({"_id": staff_id})
    if staff is None or not staff.get("active", True):
        raise invalid("task.assignee.unknown", f"staff member {staff_id} is not in the staff directory",
                      ["body", "staff_id"])
    if staff["org_code"][:12] != task["community_code"]:
        raise invalid("task.assignee.other_community",
                      f"staff member {staff_id} works for {staff['org_code']}, not community {task['community_code']}",
                      ["body", "staff_id"])
    if task.get("assignee") == staff_id:
        return task

    async def work(tx: Tx) -> dict[str, Any]:
        current = await tx.db[TASKS].find_one({"_id": task_id}, session=tx.session)
        moved = await tasks.reassign(tx, current, staff_id, ctx.clock.now())
        if moved is None:
            raise conflict("task.changed", "the task changed while assigning; re-read and retry")
        return moved

    return await ctx.uow.run(work)
