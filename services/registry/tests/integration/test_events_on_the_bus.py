"""What another system sees: valid CloudEvents on the REGISTRY stream, in order, with no ID number."""
from __future__ import annotations

import json
from datetime import date

from linli_devtools.streams import read_stream
from linli_shared.events import CloudEvent, event_types

from registry_helpers import COMMUNITY, id_number, new_household, new_resident


async def test_subscriber_sees_valid_cloudevents_without_id_numbers(admin, nats_url):
    number = id_number(date(1944, 4, 4), "female")
    household = await new_household(admin)
    resident = await new_resident(admin, date(1944, 4, 4), id_number=number, household_id=household,
                                  phone="13700001234")
    await admin.post(f"/v1/residents/{resident['id']}/life-events", json={"kind": "hospitalized", "date": "2026-11-01"})
    await admin.post(f"/v1/residents/{resident['id']}/life-events", json={"kind": "deceased", "date": "2026-11-02"})
    messages = await read_stream(nats_url, expected=10)  # 5 org upserts, household, 4 resident events
    assert len(messages) == 10
    resident_events = []
    for msg in messages:
        raw = msg.data.decode()
        assert number not in raw and number[:17] not in raw and number[-4:] + '"' not in raw
        body = json.loads(raw)
        event = CloudEvent.model_validate(body)
        assert body["specversion"] == "1.0" and body["source"] == "/linli/registry"
        assert msg.headers["Nats-Msg-Id"] == event.id
        assert msg.subject == f"{event.type}.{event.community}"
        event_types()[event.type].model_validate(event.data)
        if event.subject == resident["id"]:
            resident_events.append(event)
    assert [(e.type.split(".")[3], e.aggregateversion) for e in resident_events] == [
        ("registered", 1), ("life_event_recorded", 2), ("life_event_recorded", 3), ("deceased", 4)]
    registered = resident_events[0].data
    assert (registered["birth_date"], registered["phone"], registered["address"]["building"]) == (
        "1944-04-04", "13700001234", "31")
    assert "elderly_80" in registered["groups"] and "id_number" not in registered
    assert {e.community for e in resident_events} == {COMMUNITY}


async def test_a_subscriber_can_take_one_community(admin, nats_url):
    await new_household(admin)
    messages = await read_stream(nats_url, expected=1, subject=f"linli.registry.household.*.v1.{COMMUNITY}")
    assert [m.subject for m in messages] == [f"linli.registry.household.registered.v1.{COMMUNITY}"]
