"""A run of events fans out from one set of reads: what many events share is read once, their notifications
stored together."""
from __future__ import annotations

from collections import Counter

from pymongo import AsyncMongoClient, monitoring

from linli_shared.outbox import Tx

from linli_notify.service_layer.fanout import notify_run

from notify_helpers import notifications, task


class Commands(monitoring.CommandListener):
    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.counts[(event.command_name, str(event.command.get(event.command_name)))] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


async def test_a_run_of_assignments_reads_its_assignees_at_once_and_stores_its_inbox_items_in_one_insert(
        ctx, settings):
    run = [task("assigned", f"t-{i}", f"w{i % 3}", version=2) for i in range(12)]
    commands = Commands()
    client = AsyncMongoClient(settings.mongo_url, event_listeners=[commands])
    try:
        async with client.start_session() as session:
            async def work(session) -> None:
                await notify_run(ctx, run, Tx(session, client[settings.mongo_db], "notify"), hooks=[])
            await session.with_transaction(work)
    finally:
        await client.close()

    docs = await notifications(ctx.db, channel="inbox", status="sent")
    assert sorted(d["event_id"] for d in docs) == sorted(e.id for e in run)
    assert {d["recipient_id"] for d in docs} == {"w0", "w1", "w2"}
    assert commands.counts[("find", "staff")] == 1
    assert commands.counts[("find", "preferences")] == 1
    assert commands.counts[("find", "community_settings")] == 1
    assert commands.counts[("find", "templates")] == 1
    assert commands.counts[("insert", "notifications")] == 1
