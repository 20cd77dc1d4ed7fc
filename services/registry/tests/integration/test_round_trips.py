"""What a registration costs the store: the round trips of one request, counted by command (issue 21).

The store costs about a millisecond a command, so a write's latency is its number of commands: a registration is
the change log's version, one write of the resident with its claim, trail entry, change-log entry and events, and
the commit; a household adds the two reads its groups need. Only the request's own commands are counted (the
outbox relay's polls run in tasks of their own).
"""
from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Iterator

from pymongo import monitoring

from registry_helpers import COMMUNITY, id_number, new_household

_counting: ContextVar[Counter | None] = ContextVar("counting", default=None)


class _RequestCommands(monitoring.CommandListener):
    """Counts the commands started in the task that armed it (a request served in-process runs in that task)."""

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        counts = _counting.get()
        if counts is not None:
            collection = event.command.get(event.command_name)
            counts[f"{event.command_name} {collection}" if isinstance(collection, str) else event.command_name] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


monitoring.register(_RequestCommands())  # before the app's client exists; idle unless a test arms it


@contextmanager
def commands() -> Iterator[Counter]:
    counts: Counter = Counter()
    token = _counting.set(counts)
    try:
        yield counts
    finally:
        _counting.reset(token)


async def register(admin, **body) -> dict:
    response = await admin.post(f"/v1/communities/{COMMUNITY}/residents", json={"name": "王小明", **body})
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_registration_is_three_store_commands_once_the_community_is_known(admin):
    with commands() as first:
        await register(admin, id_number=id_number(date(1950, 1, 2), "male"))
    with commands() as counted:
        await register(admin, id_number=id_number(date(1950, 1, 4), "male"))
    assert first - counted == Counter({"find orgs": 1})  # an org is never removed: found once, known after
    assert counted == Counter({"findAndModify community_data_versions": 1, "bulkWrite": 1, "commitTransaction": 1})


async def test_a_registration_into_a_household_reads_it_and_its_members_once(admin):
    household = await new_household(admin)  # the community is known from here on
    with commands() as counted:
        created = await register(admin, id_number=id_number(date(1941, 5, 6), "female"), household_id=household)
    assert created["groups"] == ["residents", "elderly_60", "elderly_80", "living_alone_elderly"]
    assert counted == Counter({"find households": 1, "find residents": 1, "findAndModify community_data_versions": 1,
                               "bulkWrite": 1, "commitTransaction": 1})


async def test_a_duplicate_registration_fails_at_commit_and_writes_nothing(admin):
    number = id_number(date(1950, 1, 3), "male")
    await register(admin, id_number=number)
    again = await admin.post(f"/v1/communities/{COMMUNITY}/residents", json={"name": "王小红", "id_number": number})
    assert again.status_code == 409 and again.json()["code"] == "resident.duplicate"
    listed = (await admin.get(f"/v1/communities/{COMMUNITY}/residents", params={"q": "王小红"})).json()
    assert listed["items"] == []
    trail = (await admin.get("/v1/audit-trail", params={"action": "resident.registered"})).json()
    assert len(trail["items"]) == 1
