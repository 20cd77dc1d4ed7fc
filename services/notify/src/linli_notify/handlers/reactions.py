"""What an event does in notify: update a projection if it feeds one, then fan out to rules and webhooks."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from pydantic import ValidationError

from linli_shared.consumer import PermanentError
from linli_shared.events import CloudEvent
from linli_shared.outbox import Tx

from linli_notify.handlers.inbound import FollowupDue, ReferralMade
from linli_notify.service_layer.context import Notify
from linli_notify.service_layer.fanout import notify_event

Projection = Callable[[CloudEvent, Tx], Awaitable[None]]
_CHECKED = {"linli.employment.referral.made.v1": ReferralMade,
            "linli.employment.placement.followup_due.v1": FollowupDue}


async def react(ctx: Notify, project: Projection | None, event: CloudEvent, tx: Tx) -> None:
    model = _CHECKED.get(event.type)
    try:
        if model is not None:
            model.model_validate(event.data)
        if project is not None:
            await project(event, tx)
    except ValidationError as exc:  # a malformed event never becomes valid by retrying
        raise PermanentError(f"{event.type} data does not match its schema: {exc.error_count()} errors") from exc
    await notify_event(ctx, event, tx)
