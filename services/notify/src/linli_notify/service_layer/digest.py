"""The morning digest: at 08:00 Asia/Shanghai each worker with open or overdue tasks gets one message."""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from linli_shared.logging import get_logger
from linli_shared.outbox import Tx
from linli_shared.tracing import new_traceparent

from linli_notify.domain.rules import REASON_LABELS, RULES, effective
from linli_notify.service_layer import recipients
from linli_notify.service_layer.context import Notify
from linli_notify.service_layer.fanout import _is_staff, _store, plan_docs
from linli_notify.storage.indexes import DIGESTS, NOTIFICATIONS, TASKS

log = get_logger()
FOLDED_RULES = ("task_assigned", "task_overdue")


async def run_digest(ctx: Notify) -> int:
    """Once a day from the digest hour on; returns how many workers got one (0 before the hour or if done)."""
    local = ctx.clock.now().astimezone(ctx.clock.zone)
    if local.hour < ctx.settings.digest_hour:
        return 0
    day = local.date().isoformat()
    if await ctx.db[DIGESTS].find_one({"_id": day}):
        return 0
    by_worker: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for task in await ctx.db[TASKS].find({"status": {"$in": ["open", "overdue"]}}).sort("due_by", 1).to_list():
        if _is_staff(task.get("assignee")):
            by_worker[task["assignee"]].append(task)
    traceparent = new_traceparent()
    for worker, tasks in sorted(by_worker.items()):
        await ctx.uow.run(lambda tx, w=worker, t=tasks: _one(ctx, tx, day, w, t, traceparent))
    await ctx.db[DIGESTS].update_one({"_id": day}, {"$set": {"workers": len(by_worker), "at": ctx.clock.now()}},
                                     upsert=True)
    log.info("notify.digest_sent", day=day, workers=len(by_worker))
    return len(by_worker)


async def _one(ctx: Notify, tx: Tx, day: str, worker: str, tasks: list[dict[str, Any]], traceparent: str) -> None:
    community = tasks[0]["community_code"]
    overrides, robot = await recipients.community_settings(tx.db, community, tx.session)
    rule = effective(RULES["daily_digest"], overrides.get("daily_digest"))
    if rule is None:
        return
    recipient = await recipients.staff(tx, worker, robot)
    variables = {"recipient_name": recipient.name or "", "date": day,
                 "open_count": len(tasks), "overdue_count": sum(t["status"] == "overdue" for t in tasks),
                 "tasks": [{"resident_name": t["resident_name"], "reason_label": REASON_LABELS.get(t["reason"], ""),
                            "due_by": t["due_by"], "status": t["status"]} for t in tasks]}
    docs = await plan_docs(ctx, tx, rule, recipient, variables, f"digest:{day}", "linli.notify.digest", community,
                           traceparent)
    await _store(ctx, tx, docs)
    await _fold(ctx, tx, worker)


async def _fold(ctx: Notify, tx: Tx, worker: str) -> None:
    """Task messages held back overnight for this worker are in the digest now: one message instead of many."""
    await tx.db[NOTIFICATIONS].update_many(
        {"recipient_id": worker, "status": "deferred", "rule": {"$in": list(FOLDED_RULES)},
         "channel": {"$ne": "inbox"}, "not_before": {"$lte": ctx.clock.now()}},
        {"$set": {"status": "skipped", "reason": "digest.folded", "updated_at": ctx.clock.now()},
         "$inc": {"version": 1}}, session=tx.session)
