"""From the JSON logs alone: which events a request caused, which consumers handled them, what followed.

Registry and visits run as their own processes (as `make run` starts them), logging JSON to files; the
test follows one trace id from the HTTP request, through the registry's outbox, into the visits consumer,
out of visits' own outbox and into the notification notify delivered, as docs/operations.md tells an
engineer to.
"""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx

from linli_devtools.asgi import eventually
from linli_devtools.people import born_years_ago, id_number
from linli_devtools.processes import service_process
from linli_shared.clock import Clock

TRACE = uuid.uuid4().hex
COMMUNITY = "130303001001"


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("{")]


async def test_one_trace_id_follows_a_request_into_every_consumer(tmp_path, nats_url, mongo_url, db_name, make_token):
    logs = {name: tmp_path / f"{name}.log" for name in ("registry", "visits", "notify")}
    headers = {"Authorization": f"Bearer {make_token(scope=['130303'])}"}
    today = Clock().today()
    with service_process("registry", nats_url, mongo_url, f"{db_name}_r", logs["registry"]) as registry_url, \
            service_process("visits", nats_url, mongo_url, f"{db_name}_v", logs["visits"]) as visits_url, \
            service_process("notify", nats_url, mongo_url, f"{db_name}_n", logs["notify"]):
        async with httpx.AsyncClient(base_url=registry_url, headers=headers) as registry, \
                httpx.AsyncClient(base_url=visits_url, headers=headers) as visits:
            for code in ("130303", "130303001", COMMUNITY):
                await registry.put(f"/v1/orgs/{code}", json={"name": code})
            await registry.post(f"/v1/orgs/{COMMUNITY}/staff", json={"name": "刘书记", "role": "admin"})
            number = id_number(born_years_ago(85, today), "female")
            resident = (await registry.post(f"/v1/communities/{COMMUNITY}/residents", json={
                "name": "周凤兰", "id_number": number})).json()
            traced = {**headers, "traceparent": f"00-{TRACE}-{'1' * 16}-01"}
            response = await registry.post(f"/v1/residents/{resident['id']}/life-events", headers=traced,
                                           json={"kind": "hospitalized", "date": today.isoformat()})
            assert response.status_code == 201 and TRACE in response.headers["traceparent"]

            async def task_created():
                found = await visits.get(f"/v1/communities/{COMMUNITY}/visit-tasks",
                                         params={"resident_id": resident["id"], "reason": "hospitalized"})
                return found.json()["items"]
            await eventually(task_created)
            await eventually(lambda: _traced(logs["notify"], "notify.delivered"), timeout=30)
            # a life event is handled in both of visits' lanes: the urgent one and, in stream order, the bulk one
            await eventually(lambda: len([r for r in _lines(logs["visits"]) if r["event"] == "consumer.handled"
                                          and r.get("trace_id") == TRACE]) == 2)
    registry_lines, visits_lines, notify_lines = (_lines(logs[name]) for name in ("registry", "visits", "notify"))
    request = [r for r in registry_lines if r["event"] == "http.request" and r.get("trace_id") == TRACE]
    caused = [r for r in registry_lines if r["event"] == "outbox.published" and r.get("trace_id") == TRACE]
    handled = [r for r in visits_lines if r["event"] == "consumer.handled" and r.get("trace_id") == TRACE]
    followed = [r for r in visits_lines if r["event"] == "outbox.published" and r.get("trace_id") == TRACE]
    assert [(r["method"], r["status"]) for r in request] == [("POST", 201)]
    assert [r["event_type"] for r in caused] == ["linli.registry.resident.life_event_recorded.v1"]
    assert sorted((r["event_id"], r["consumer"]) for r in handled) == [
        (caused[0]["event_id"], "visits-registry-urgent-v1"), (caused[0]["event_id"], "visits-registry-v1")]
    assert [r["event_type"] for r in followed] == ["linli.visits.task.created.v1"]
    assert all(r["service"] == "visits" and r["level"] == "info" for r in handled + followed)
    told = [r for r in notify_lines if r["event"] == "consumer.handled" and r.get("trace_id") == TRACE]
    delivered = [r for r in notify_lines if r["event"] == "notify.delivered" and r.get("trace_id") == TRACE]
    assert "linli.visits.task.created.v1" in [r["event_type"] for r in told]
    assert [(r["rule"], r["channel"], r["source_event_id"]) for r in delivered] == [
        ("task_urgent", "inbox", followed[0]["event_id"])]
    everything = "".join(path.read_text(encoding="utf-8") for path in logs.values())
    assert number not in everything and number[:17] not in everything


async def _traced(path: Path, event: str) -> bool:
    return any(r["event"] == event and r.get("trace_id") == TRACE for r in _lines(path))
