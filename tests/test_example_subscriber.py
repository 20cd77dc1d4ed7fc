"""The README's example subscriber runs as written against a real stream and sees one community only."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import uuid
from datetime import UTC, datetime

import nats

from linli_devtools.paths import REPO_ROOT
from linli_shared.bus import service_stream
from linli_shared.events import CloudEvent


def _event(community: str, n: int) -> CloudEvent:
    return CloudEvent(id=str(uuid.uuid4()), source="/linli/registry", type="linli.registry.resident.updated.v1",
                      subject=f"r{n}", time=datetime.now(UTC), data={}, community=community,
                      traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01", aggregateversion=n)


async def test_the_example_subscriber_takes_one_community_from_the_start(nats_url):
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await js.add_stream(service_stream("registry").config())
    for n, community in enumerate(["130303001001", "130303001002", "130303001001"], start=1):
        event = _event(community, n)
        await js.publish(event.nats_subject, event.model_dump_json().encode(), headers={"Nats-Msg-Id": event.id})
    await nc.close()
    command = [sys.executable, str(REPO_ROOT / "docs" / "examples" / "subscribe.py"), "--url", nats_url,
               "--subject", "linli.registry.resident.*.v1.130303001001", "--limit", "2"]
    result = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    seen = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(e["subject"], e["community"]) for e in seen] == [("r1", "130303001001"), ("r3", "130303001001")]
