"""Local projections notify keeps: staff contacts, residents' phones and consent, and visit tasks for the digest."""
from __future__ import annotations

from linli_shared.events import CloudEvent
from linli_shared.outbox import Tx

from linli_notify.handlers.inbound import CONTACT_FIELDS, ResidentState, Staff, TaskFacts
from linli_notify.storage import recipients, tasks

TASK_STATUS = {"created": "open", "overdue": "overdue", "completed": "completed", "cancelled": "cancelled"}


async def staff_changed(event: CloudEvent, tx: Tx) -> None:
    staff = Staff.model_validate(event.data)
    fields = staff.model_dump(exclude={"staff_id"})
    await recipients.keep_staff(tx, staff.staff_id, event.aggregateversion,
                                {**fields, "community_code": staff.org_code[:12]})


async def residents_changed(events: list[CloudEvent], tx: Tx) -> None:
    """registered / updated / moved_out / deceased all carry the whole state; the newest version wins."""
    contacts = [ResidentState.model_validate(event.data) for event in events]
    await recipients.keep_residents(tx, [
        (contact.resident_id, event.aggregateversion, contact.model_dump(include=CONTACT_FIELDS))
        for contact, event in zip(contacts, events, strict=True)])


async def tasks_changed(events: list[CloudEvent], tx: Tx) -> None:
    """Each task event carries the task's facts; the status follows from its type (assigned keeps it)."""
    states = []
    for event in events:
        task = TaskFacts.model_validate(event.data)
        status = TASK_STATUS.get(event.type.split(".")[3])
        states.append((task.task_id, event.aggregateversion,
                       task.model_dump(mode="json", exclude={"task_id"}) | ({"status": status} if status else {})))
    await tasks.keep(tx, states)
