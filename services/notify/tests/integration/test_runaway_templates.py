"""A template cannot take the service down: saving one that would run too long, build too much or write too much
is a 422 within a second while the service keeps answering; one already saved that fails at render time falls
back to the built-in text, and the renders after it are not held up."""
from __future__ import annotations

import asyncio
import time

import structlog

from linli_devtools.asgi import eventually

from notify_helpers import COMMUNITY, notifications, publish, task

URL = f"/v1/orgs/{COMMUNITY}/templates/task_assigned.inbox"
TWO_LOOPS = "{% for a in range(5000) %}{% for b in range(5000) %}x{% endfor %}{% endfor %}"
THREE_LOOPS = ("{% for a in range(5000) %}{% for b in range(5000) %}{% for c in range(5000) %}x"
               "{% endfor %}{% endfor %}{% endfor %}")
# Within every per-call bound, but 200**4 silent iterations: only the time limit stops it.
FOUR_SMALL_LOOPS = ("{{ resident_name }}{% for a in range(200) %}{% for b in range(200) %}{% for c in range(200) %}"
                    "{% for d in range(200) %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}")


async def _save_while_polling_readyz(admin, body: str) -> tuple[object, float, float]:
    """(the save's response, how long it took, the slowest /readyz answer meanwhile)."""
    slowest, done = 0.0, asyncio.Event()

    async def poll() -> None:
        nonlocal slowest
        while not done.is_set():
            started = time.perf_counter()
            assert (await admin.get("/readyz")).status_code == 200
            slowest = max(slowest, time.perf_counter() - started)
            await asyncio.sleep(0.02)

    poller = asyncio.create_task(poll())
    started = time.perf_counter()
    response = await admin.put(URL, json={"body": body})
    took = time.perf_counter() - started
    done.set()
    await poller
    return response, took, slowest


async def _warm(admin) -> None:
    """The renderer's workers start on first use; the bounds are about renders, not that start."""
    assert (await admin.put(URL, json={"body": "请走访{{ resident_name }}"})).status_code == 200


async def test_nested_loops_are_a_422_within_a_second_while_readyz_keeps_answering(app, admin):
    await _warm(admin)
    for body in (TWO_LOOPS, THREE_LOOPS, FOUR_SMALL_LOOPS):
        response, took, slowest = await _save_while_polling_readyz(admin, body)
        assert (response.status_code, response.json()["code"]) == (422, "template.too_costly"), body
        assert took < 1.0, (body, took)
        assert slowest < 0.2, (body, slowest)


async def test_a_render_past_its_time_kills_its_worker_and_the_next_save_goes_through(app, ctx, admin):
    await _warm(admin)
    before = {w.process.pid: w.process for w in ctx.renderer.all}
    response = await admin.put(URL, json={"body": FOUR_SMALL_LOOPS})
    assert response.json()["code"] == "template.too_costly" and "longer than" in response.json()["detail"]
    killed = [p for pid, p in before.items() if pid not in {w.process.pid for w in ctx.renderer.all}]
    assert len(killed) == 1
    await eventually(lambda: asyncio.sleep(0, killed[0].returncode is not None))
    assert (await admin.put(URL, json={"body": "又一个:{{ resident_name }}"})).status_code == 200


async def test_output_and_size_bombs_are_refused(app, admin):
    for body in ("{{ 'x' * 10**9 }}", "{{ 'x'|center(1000000000) }}", "{{ ('x' * 8000)|replace('', 'x' * 8000) }}",
                 "{{ '{:>999999999}'.format(1) }}", "{% for a in range(200) %}{% for b in range(200) %}"
                 "{{ resident_name }}{% endfor %}{% endfor %}"):
        response = await admin.put(URL, json={"body": body})
        assert (response.status_code, response.json()["code"]) == (422, "template.too_costly"), body
    too_large = await admin.put(URL, json={"body": "{{ resident_name }}" + "字" * 1400})
    assert (too_large.status_code, too_large.json()["code"]) == (422, "template.too_large")


async def test_a_saved_template_that_runs_away_falls_back_to_the_built_in_text_and_blocks_no_other_render(
        app, ctx, admin, nats_url):
    await ctx.db.templates.insert_one({  # as if saved before the bounds existed
        "_id": f"{COMMUNITY}:task_assigned.inbox", "org_code": COMMUNITY, "key": "task_assigned.inbox",
        "body": FOUR_SMALL_LOOPS, "subject": None, "version": 1})
    with structlog.testing.capture_logs() as logs:
        started = time.perf_counter()
        await publish(nats_url, task("assigned", "t-1", "w1", version=2),
                      *(task("assigned", f"t-{i}", "w2", version=2) for i in range(2, 6)))
        docs = await eventually(lambda: _inbox(ctx, 5))
        took = time.perf_counter() - started
    assert {d["body"] for d in docs} == {"新走访任务:周凤兰(例行走访),请于2025-03-10前完成。"}
    assert all(d["status"] == "sent" for d in docs)
    assert took < 5, took  # one timeout, then the template is known to be costly: not five
    failed = [entry for entry in logs if entry["event"] == "notify.template_failed"]
    assert failed and failed[0]["code"] == "template.too_costly" and failed[0]["org"] == COMMUNITY
    assert failed[0]["template"] == "task_assigned.inbox"  # named so ops can find it; a "key" field is redacted


async def _inbox(ctx, n: int):
    docs = await notifications(ctx.db, channel="inbox")
    return docs if len(docs) == n else None


async def test_a_message_body_is_bounded_whatever_the_event_carries(app, ctx, nats_url):
    await publish(nats_url, task("assigned", "t-1", "w1", version=2, resident_name="周" * 10000))
    [item] = await eventually(lambda: _inbox(ctx, 1))
    assert (item["status"], item["reason"], item.get("body")) == ("failed", "template.too_costly", None)
