"""What an event does in notify: update a projection if it feeds one, then fan out to rules and webhooks."""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

from pydantic import ValidationError

from linli_shared.events import CloudEvent
from linli_shared.outbox import Tx
from linli_shared.subscriptions import PermanentError

from linli_notify.handlers.inbound import FollowupDue, ReferralMade
from linli_notify.service_layer.context import Notify
from linli_notify.service_layer.fanout import active_webhooks, notify_event, notify_run

Projection = Callable[[CloudEvent, Tx], Awaitable[None]]
RunProjection = Callable[[list[CloudEvent], Tx], Awaitable[None]]
_CHECKED = {"linli.employment.referral.made.v1": ReferralMade,
            "linli.employment.placement.followup_due.v1": FollowupDue}


async def react(ctx: Notify, project: Projection | None, event: CloudEvent, tx: Tx) -> None:
    with _malformed_is_permanent(event.type):
        model = _CHECKED.get(event.type)
        if model is not None:
            model.model_validate(event.data)
        if project is not None:
            await project(event, tx)
    await notify_event(ctx, event, tx)


async def react_to_run(ctx: Notify, project: RunProjection, events: list[CloudEvent], tx: Tx) -> None:
    """A run of events feeding one projection: one read and one write for it, one webhook lookup, and their
    notifications planned from one set of reads and stored together."""
    with _malformed_is_permanent(events[0].type):
        await project(events, tx)
    await notify_run(ctx, events, tx, await active_webhooks(tx, {event.type for event in events}))


@contextmanager
def _malformed_is_permanent(event_type: str) -> Iterator[None]:
    try:
        yield
    except ValidationError as exc:  # a malformed event never becomes valid by retrying
        raise PermanentError(f"{event_type} data does not match its schema: {exc.error_count()} errors") from exc
