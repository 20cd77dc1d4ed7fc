"""The morning digest: at 08:00 Asia/Shanghai each worker with open or overdue tasks gets one message."""
from __future__ import annotations

from collections import defaultdict

from linli_shared.logging import get_logger
from linli_shared.outbox import Tx
from linli_shared.tracing import new_traceparent

from linli_notify.domain.rules import REASON_LABELS, RULES, effective
from linli_notify.service_layer import recipients
from linli_notify.service_layer.context import Notify
from linli_notify.service_layer.fanout import Reads, _is_staff, _store, plan_docs
from linli_notify.storage import digests, notifications
from linli_notify.storage import tasks as kept_tasks
from linli_notify.storage.tasks import KeptTask

log = get_logger()
FOLDED_RULES = ("task_assigned", "task_overdue")


async def run_digest(ctx: Notify) -> int:
    """Once a day from the digest hour on; returns how many workers got one (0 before the hour or if done)."""
    local = ctx.clock.now().astimezone(ctx.clock.zone)
    if local.hour < ctx.settings.digest_hour:
        return 0
    day = local.date().isoformat()
    if await digests.sent_on(ctx.db, day):
        return 0
    by_worker: dict[str, list[KeptTask]] = defaultdict(list)
    for task in await kept_tasks.pending(ctx.db):
        if _is_staff(task.assignee):
            by_worker[task.assignee].append(task)
    traceparent = new_traceparent()
    for worker, tasks in sorted(by_worker.items()):
        await ctx.uow.run(lambda tx, w=worker, t=tasks: _one(ctx, tx, day, w, t, traceparent))
    await digests.record(ctx.db, day, len(by_worker), ctx.clock.now())
    log.info("notify.digest_sent", day=day, workers=len(by_worker))
    return len(by_worker)


async def _one(ctx: Notify, tx: Tx, day: str, worker: str, tasks: list[KeptTask], traceparent: str) -> None:
    community = tasks[0].community_code
    overrides, robot = await recipients.community_settings(tx.db, community, tx.session)
    rule = effective(RULES["daily_digest"], overrides.get("daily_digest"))
    if rule is None:
        return
    recipient = await recipients.staff(tx, worker, robot)
    variables = {"recipient_name": recipient.name or "", "date": day,
                 "open_count": len(tasks), "overdue_count": sum(t.status == "overdue" for t in tasks),
                 "tasks": [{"resident_name": t.resident_name, "reason_label": REASON_LABELS.get(t.reason, ""),
                            "due_by": t.due_by, "status": t.status} for t in tasks]}
    docs = await plan_docs(ctx, Reads(tx), rule, recipient, variables, f"digest:{day}", "linli.notify.digest",
                           community, traceparent)
    await _store(ctx, tx, docs)
    await _fold(ctx, tx, worker)


async def _fold(ctx: Notify, tx: Tx, worker: str) -> None:
    """Task messages held back overnight for this worker are in the digest now: one message instead of many."""
    await notifications.fold_deferred(tx, worker, FOLDED_RULES, ctx.clock.now())
