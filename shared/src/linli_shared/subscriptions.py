"""What a service declares to consume events: a `Subscription` per durable, its handlers, and `InRuns`.

A service lists these in its own `subscriptions.py` (every reaction on one screen); `consumer.py` runs them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby
from typing import Awaitable, Callable, Iterator, Mapping, Sequence

from linli_shared.events import CloudEvent
from linli_shared.outbox import Tx

# `<owner>-<what>-v<N>`: nats.conf grants each service user its consumers by name (NATS wildcards match
# whole tokens only, so there is no `visits-*`), and a name that starts with its owner reads as a grant.
_DURABLE_NAME = re.compile(r"(?P<owner>[a-z][a-z0-9]*)(-[a-z0-9]+)*-v[0-9]+")

Handler = Callable[[CloudEvent, Tx], Awaitable[None]]
RunHandler = Callable[[list[CloudEvent], Tx], Awaitable[None]]


@dataclass(frozen=True, eq=False)  # compared by identity: the types that share one InRuns form one run
class InRuns:
    """A handler that takes a run of consecutive events of the types it is given for, in stream order.

    It gets the runs inside a group of first deliveries, and a run of one otherwise (alone, a retry).
    It must reach the state handling the events one at a time would reach, and may take fewer steps to
    get there: work that depends on several of them (a household's members) is done once, from the
    state at the end of the run.
    """
    handle: RunHandler


class PermanentError(Exception):
    """Raised by a handler for input that can never succeed: dead-lettered at once."""


@dataclass(frozen=True)
class Subscription:
    # Versioned ("visits-registry-v1"): what a durable cannot change in place (where it starts) takes a new name.
    # Its filters may change: NATS (2.10 on) narrows them in place and the durable keeps its position.
    durable: str
    stream: str
    handlers: Mapping[str, Handler | InRuns]  # CloudEvent type -> handler
    max_deliver: int = 5
    backoff: tuple[float, ...] = (1.0, 5.0, 30.0, 120.0)  # redelivery delay after failure n
    # What a killed process had fetched comes back after ack_wait: short, so a restart recovers in seconds. It is
    # safe because nothing slow waits on it: the runner tells the server every ack_wait/3 (3.3 s) that each message
    # of a fetch not yet settled is still in progress, so a message is redelivered while we hold it only if the
    # process stalls for over 6.6 s (two beats) without a single turn of its event loop. NATS updates ack_wait on an
    # existing durable in place (the runner's create-or-update at start), so an upgrade gets this value too.
    # A process killed inside a transaction is slower to recover whatever this is: its documents stay locked until
    # the store aborts the transaction (60 s, MongoDB's transactionLifetimeLimitSeconds) and the retry can commit.
    ack_wait: float = 10.0
    # A transaction costs its commands whatever its size (a projection's read and write, the inbox's insert, the
    # commit): a fetch handled as one group pays them once for 100 events rather than five times.
    messages_per_fetch: int = 100  # messages one pull asks the server for
    first_deliveries_per_transaction: int = 100  # handled in one transaction (1: one transaction per message)
    # Its transactions go before those of the service's other consumers (outbox.Lanes): a lane for what must not
    # wait behind a backlog (a hospitalisation's mandatory visit).
    urgent: bool = False

    def __post_init__(self) -> None:
        if not _DURABLE_NAME.fullmatch(self.durable):
            raise ValueError(f"durable {self.durable!r} is not <owner>-<what>-v<N> (e.g. visits-registry-v1)")

    @property
    def owner(self) -> str:
        """The service whose NATS user may use this consumer: the name's first word."""
        return self.durable.split("-", 1)[0]

    @property
    def filter_subjects(self) -> list[str]:
        return [f"{event_type}.>" for event_type in self.handlers]

    def handles(self, event_type: str) -> bool:
        return event_type in self.handlers

    def runs(self, events: Sequence[CloudEvent]) -> Iterator[tuple[RunHandler, list[CloudEvent]]]:
        """The events in stream order as (handler, run): consecutive events of one `InRuns` form one run,
        every other event is a run of one for its plain handler. The one place a plain handler is adapted."""
        for key, run in groupby(events, key=lambda event: self.handlers[event.type]):
            if isinstance(key, InRuns):
                yield key.handle, list(run)
            else:
                for event in run:
                    yield _one_at_a_time(key), [event]

    def delay_after(self, deliveries: int) -> float:
        return self.backoff[min(deliveries - 1, len(self.backoff) - 1)] if self.backoff else 0.0


def _one_at_a_time(handler: Handler) -> RunHandler:
    async def handle(run: list[CloudEvent], tx: Tx) -> None:
        (event,) = run
        await handler(event, tx)
    return handle


__all__ = ["Handler", "InRuns", "PermanentError", "RunHandler", "Subscription"]
