"""Helpers for reports tests: seed 000's table as a template, residents through the registry, events on NATS."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

import nats

from linli_devtools.orgs import COMMUNITY, DISTRICT, STREET  # noqa: F401  (the tests import them from here)
from linli_devtools.orgs import OTHER_COMMUNITY as OTHER  # noqa: F401
from linli_devtools.people import born_years_ago, id_number
from linli_shared.bus import StreamSpec
from linli_shared.clock import Clock
from linli_shared.events import CloudEvent

TODAY = Clock().today()

# 60岁以上老年人786人，其中80岁以上36人，60岁以上的空巢老人户131户。下岗失业人员207人，其中4050人员45人
SEED_000 = {"name": "社区基本情况统计表", "indicators": [
    {"key": "elderly_60", "label": "60岁以上老年人", "source": "registry_group", "group": "elderly_60"},
    {"key": "elderly_80", "label": "其中80岁以上", "source": "registry_group", "group": "elderly_80"},
    {"key": "empty_nest", "label": "60岁以上的空巢老人户", "source": "registry_group",
     "group": "empty_nest_households"},
    {"key": "unemployed", "label": "下岗失业人员", "source": "registry_group", "group": "unemployed"},
    {"key": "hard_4050", "label": "其中4050人员", "source": "registry_group", "group": "hard_to_employ_4050"},
    {"key": "women_60_plus", "label": "60岁以上女性老人", "source": "registry_group", "group": "residents",
     "filters": {"gender": "female", "min_age": 60}},
    {"key": "visits", "label": "本期入户走访次数", "source": "visits", "metric": "visits.count"},
    {"key": "aid", "label": "走访慰问金额（元）", "source": "visits", "metric": "visits.aid_total_cny"},
    {"key": "referrals_4050", "label": "为4050人员提供就业岗位", "source": "employment",
     "metric": "employment.referrals_4050"},
    {"key": "placed_4050", "label": "其中已就业", "source": "employment", "metric": "employment.placed_4050"},
    {"key": "notes", "label": "其他情况说明", "source": "manual"},
]}


async def household(registry, community: str = COMMUNITY) -> str:
    created = await registry.post(f"/v1/communities/{community}/households", json={"address": {"estate": "工农里"}})
    assert created.status_code == 201, created.text
    return created.json()["id"]


async def register(registry, age: int, gender: str = "female", community: str = COMMUNITY, **fields) -> dict:
    household_id = fields.pop("household_id", None) or await household(registry, community)
    birth = born_years_ago(age, TODAY, days_before=30)
    body = {"name": fields.pop("name", "周凤兰"), "id_number": id_number(birth, gender), "household_id": household_id,
            "relation_to_head": fields.pop("relation_to_head", "head"), **fields}
    response = await registry.post(f"/v1/communities/{community}/residents", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def publish(nats_url: str, service: str, type_: str, subject: str, community: str, data: dict,
                  version: int = 1) -> None:
    """Another service's event as its relay would publish it: a CloudEvent on its own stream."""
    event = CloudEvent(id=str(uuid.uuid4()), source=f"/linli/{service}", type=type_, subject=subject,
                       time=datetime.now(UTC), data=data, community=community,
                       traceparent=f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01", aggregateversion=version)
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        spec = StreamSpec(service.upper(), (f"linli.{service}.>",))
        try:
            await js.stream_info(spec.name)
        except nats.js.errors.NotFoundError:
            await js.add_stream(spec.config())
        await js.publish(event.nats_subject, event.model_dump_json().encode(), headers={"Nats-Msg-Id": event.id})
    finally:
        await nc.close()


def this_month() -> dict:
    return {"kind": "month", "year": TODAY.year, "number": TODAY.month}
