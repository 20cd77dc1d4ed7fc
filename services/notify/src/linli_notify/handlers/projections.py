"""Local projections notify keeps: staff contacts, residents' phones and consent, and visit tasks for the digest."""
from __future__ import annotations

from linli_shared.events import CloudEvent
from linli_shared.mongo import upsert_if_newer, upsert_many_if_newer
from linli_shared.outbox import Tx

from linli_notify.handlers.inbound import ResidentContact, Staff, TaskFacts
from linli_notify.storage.indexes import RESIDENTS, STAFF, TASKS

TASK_STATUS = {"created": "open", "overdue": "overdue", "completed": "completed", "cancelled": "cancelled"}


async def staff_changed(event: CloudEvent, tx: Tx) -> None:
    staff = Staff.model_validate(event.data)
    fields = staff.model_dump(exclude={"staff_id"})
    await upsert_if_newer(tx.db[STAFF], staff.staff_id, event.aggregateversion,
                          {**fields, "community_code": staff.org_code[:12]}, tx.session)


async def residents_changed(events: list[CloudEvent], tx: Tx) -> None:
    """registered / updated / moved_out / deceased all carry the whole state; the newest version wins."""
    contacts = [ResidentContact.model_validate(event.data) for event in events]
    await upsert_many_if_newer(tx.db[RESIDENTS], [
        (contact.resident_id, event.aggregateversion, contact.model_dump(exclude={"resident_id"}))
        for contact, event in zip(contacts, events, strict=True)], tx.session)


async def tasks_changed(events: list[CloudEvent], tx: Tx) -> None:
    """Each task event carries the task's facts; the status follows from its type (assigned keeps it)."""
    states = []
    for event in events:
        task = TaskFacts.model_validate(event.data)
        status = TASK_STATUS.get(event.type.split(".")[3])
        states.append((task.task_id, event.aggregateversion,
                       task.model_dump(mode="json", exclude={"task_id"}) | ({"status": status} if status else {})))
    await upsert_many_if_newer(tx.db[TASKS], states, tx.session, on_insert={"status": "open"})
