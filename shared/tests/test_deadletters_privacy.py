"""Dead letters are whole events: masked for admins without pii:read, whole and on the reveal trail with it."""
from __future__ import annotations

import json
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from linli_devtools.asgi import eventually
from linli_shared.auth import PII_READ
from linli_shared.deadletters import DeadLetter, dead_letter_router, masked_letter
from linli_shared.errors import install_problem_handlers
from linli_shared.privacy import mask_id_number
from linli_shared.subscriptions import PermanentError
from linli_shared.trail import REVEAL_TRAIL

DURABLE = "testsvc-personal-v1"
PERSONAL: dict[str, Any] = {
    "n": 9, "resident_id": "r-9", "household_id": "h-1", "community_code": "130303001001", "name": "王秀兰",
    "phone": "13812345678", "id_number": "130303194912310021", "birth_date": "1949-12-31",
    "health": {"conditions": ["糖尿病"], "self_care": "partial"}, "disability": {"level": 2},
    "low_income": True, "family_and_health": "老伴去世，独居，心脏病", "notes": "门口有狗",
    "members": [{"resident_id": "r-10", "name": "李建国", "phone": "13900001111"}],
}
SECRETS = ("13812345678", "13900001111", "130303194912310021", "1949-12-31", "王秀兰", "李建国", "糖尿病",
           "独居", "门口有狗", "partial")




@pytest.fixture
async def personal_letter(wire, metric):
    """One dead letter carrying a resident's phone, ID number, health and notes (its error echoes the phone)."""
    event = wire.event(9).model_copy(update={"data": PERSONAL})

    async def refuse(event, tx):
        raise PermanentError(f"no household for {event.data['phone']}")

    dead = metric(DURABLE, "dead_lettered")
    await wire.publish(event)
    await wire.start(DURABLE, refuse)
    await eventually(lambda: metric(DURABLE, "dead_lettered") - dead == 1)
    return event


@asynccontextmanager
async def admin_api(wire, make_token, **token: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.state.settings = wire.settings
    app.state.runtime = SimpleNamespace(bus=wire.bus, consumers=wire.runners, service="testsvc", db=wire.db)
    install_problem_handlers(app)
    app.include_router(dead_letter_router())
    headers = {"authorization": f"Bearer {make_token(roles=('admin',), scope=('130303',), **token)}"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test",
                                 headers=headers) as http:
        yield http


async def _listed_and_single(http: httpx.AsyncClient) -> list[dict[str, Any]]:
    listing, single = await http.get("/v1/admin/dead-letters"), await http.get("/v1/admin/dead-letters/1")
    assert (listing.status_code, single.status_code) == (200, 200)
    return [*listing.json()["items"], single.json()]


async def test_an_admin_without_pii_read_sees_identifiers_and_masked_values_only(wire, personal_letter,
                                                                                  make_token):
    async with admin_api(wire, make_token) as http:
        letters = await _listed_and_single(http)

    assert len(letters) == 2
    for letter in letters:
        shown = json.dumps(letter, ensure_ascii=False)
        assert [secret for secret in SECRETS if secret in shown] == []
        data = letter["event"]["data"]
        assert (data["resident_id"], data["household_id"], data["members"][0]["resident_id"]) == ("r-9", "h-1", "r-10")
        assert (data["phone"], data["members"][0]["phone"]) == ("138****5678", "139****1111")
        assert data["id_number"] == mask_id_number(PERSONAL["id_number"])
        assert {data[key] for key in ("name", "health", "disability", "low_income", "family_and_health", "notes",
                                      "birth_date")} == {"***"}
        # what an operator needs to decide on a replay stays
        assert (letter["seq"], letter["consumer"], letter["event_type"], letter["deliveries"]) == (
            1, DURABLE, personal_letter.type, 1)
        assert (letter["event"]["subject"], letter["event"]["community"]) == ("thing-9", "130303001001")
        assert letter["error"] == "PermanentError: no household for 138****5678"
    assert await wire.count(REVEAL_TRAIL) == 0


async def test_an_admin_with_pii_read_sees_the_whole_event_and_each_read_is_on_the_reveal_trail(
        wire, personal_letter, make_token):
    async with admin_api(wire, make_token, perms=(PII_READ,), sub="staff-ops") as http:
        letters = await _listed_and_single(http)

    assert [letter["event"]["data"] for letter in letters] == [PERSONAL, PERSONAL]
    trail = await wire.db[REVEAL_TRAIL].find().to_list()
    assert [(entry["actor"], entry["via"], entry["community_code"], entry["subject_ids"]) for entry in trail] == [
        ("staff-ops", "dead_letters", "130303001001", ["thing-9"])] * 2
    assert {"phone", "health", "id_number", "notes"} <= set(trail[0]["fields"])


def test_a_malformed_dead_letter_has_nothing_to_mask_but_its_error():
    letter = DeadLetter(seq=1, consumer=DURABLE, event_id="seq-1", event_type="malformed", original_subject="s",
                        error="ValidationError: 13812345678", deliveries=1, time=datetime.now(UTC), event=None)
    assert (masked_letter(letter).event, masked_letter(letter).error) == (None, "ValidationError: 138****5678")
