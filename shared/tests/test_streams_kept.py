"""Streams keep what an operator set; new ones get the configured limits; dead letters and inboxes are bounded."""
from __future__ import annotations

from typing import Any, AsyncIterator, Callable

import pytest
from nats.js.api import RetentionPolicy, StorageType, StreamConfig
from structlog.testing import capture_logs

from linli_shared.bus import Bus, StreamMisconfigured, subject_covers
from linli_shared.consumer import INBOX
from linli_shared.mongo import mongo_client
from linli_shared.runtime import ServiceRuntime
from linli_shared.settings import ServiceSettings

SERVICE = "testsvc"
DAY = 86400.0
MIB, GIB = 1 << 20, 1 << 30


@pytest.fixture
async def settings(nats_url: str, mongo_url: str, db_name: str) -> AsyncIterator[Callable[..., ServiceSettings]]:
    def make(**options: Any) -> ServiceSettings:
        return ServiceSettings(service_name=SERVICE, mongo_url=mongo_url, mongo_db=db_name, nats_url=nats_url,
                               environment="test", run_workers=False, **options)
    yield make
    client = mongo_client(make())
    await client.drop_database(db_name)
    await client.close()


@pytest.fixture
async def operator(nats_url: str) -> AsyncIterator[Bus]:
    """The operator's own connection, as `nats stream edit` would use."""
    bus = await Bus.connect(ServiceSettings(service_name="ops", nats_url=nats_url))
    yield bus
    await bus.nc.close()


async def started(settings: ServiceSettings) -> None:
    """One service start and stop, as a restart does it."""
    runtime = ServiceRuntime(settings, indexes={})
    try:
        await runtime.start()
    finally:
        await runtime.stop()


async def config(bus: Bus, stream: str) -> StreamConfig:
    return (await bus.js.stream_info(stream)).config


def differs(logs: list[dict[str, Any]]) -> list[tuple[str, str, Any, Any, str]]:
    return [(e["stream"], e["field"], e["ours"], e["theirs"], e["log_level"])
            for e in logs if e["event"] == "bus.stream_config_differs"]


async def test_a_stream_an_operator_changed_keeps_its_settings_after_a_restart(settings, operator):
    await started(settings())
    mine = await config(operator, "TESTSVC")
    mine.max_age, mine.max_bytes = 90 * DAY, 20 * GIB  # replicas stay 1: one node here
    await operator.js.update_stream(mine)

    with capture_logs() as logs:
        await started(settings())

    kept = await config(operator, "TESTSVC")
    assert (kept.max_age, kept.max_bytes, kept.num_replicas) == (90 * DAY, 20 * GIB, 1)
    assert differs(logs) == [("TESTSVC", "max_age_seconds", 0.0, 90 * DAY, "info"),
                             ("TESTSVC", "max_bytes", -1, 20 * GIB, "info")]


async def test_a_weaker_setting_an_operator_chose_is_kept_and_warned_about(settings, operator):
    await started(settings())
    mine = await config(operator, "TESTSVC")
    mine.duplicate_window = 10.0  # shorter than the relay's re-publish window
    await operator.js.update_stream(mine)

    with capture_logs() as logs:
        await started(settings())

    assert (await config(operator, "TESTSVC")).duplicate_window == 10.0
    assert differs(logs) == [("TESTSVC", "duplicate_window_seconds", 120.0, 10.0, "warning")]


async def test_missing_streams_are_created_with_the_configured_limits(settings, operator):
    # Memory storage reserves max_bytes in RAM: small limits here.
    await started(settings(stream_max_age_days=90, stream_max_bytes=64 * MIB, stream_storage="memory",
                           stream_duplicate_window_seconds=300, dead_letter_max_age_days=14,
                           dead_letter_max_bytes=16 * MIB, dead_letter_max_msgs=5000))

    events, letters = await config(operator, "TESTSVC"), await config(operator, "DEADLETTER_TESTSVC")
    assert (events.subjects, events.max_age, events.max_bytes, events.max_msgs) == \
        (["linli.testsvc.>"], 90 * DAY, 64 * MIB, -1)
    assert (events.storage, events.duplicate_window, events.num_replicas) == (StorageType.MEMORY, 300.0, 1)
    assert (letters.max_age, letters.max_bytes, letters.max_msgs, letters.storage) == \
        (14 * DAY, 16 * MIB, 5000, StorageType.MEMORY)


async def test_by_default_events_are_kept_forever_and_dead_letters_are_bounded(settings, operator):
    await started(settings())

    events, letters = await config(operator, "TESTSVC"), await config(operator, "DEADLETTER_TESTSVC")
    assert (events.max_age, events.max_bytes, events.max_msgs, events.storage) == (0.0, -1, -1, StorageType.FILE)
    assert (letters.max_age, letters.max_bytes, letters.max_msgs) == (30 * DAY, GIB, 100_000)
    assert (letters.retention, letters.discard) == ("limits", "old")  # at a limit the oldest letters go first


async def test_a_stream_whose_subjects_do_not_cover_ours_refuses_to_start(settings, operator):
    await operator.js.add_stream(StreamConfig(name="TESTSVC", subjects=["linli.testsvc.resident.>"]))

    with pytest.raises(StreamMisconfigured, match=r"stream TESTSVC does not take \['linli.testsvc.>'\]"):
        await started(settings())
    assert (await config(operator, "TESTSVC")).subjects == ["linli.testsvc.resident.>"]  # not rewritten


async def test_a_stream_with_wider_subjects_is_fine_and_work_queue_retention_is_refused(settings, operator):
    await operator.js.add_stream(StreamConfig(name="TESTSVC", subjects=["linli.testsvc.>", "legacy.>"]))
    await started(settings())
    await operator.js.delete_stream("DEADLETTER_TESTSVC")
    await operator.js.add_stream(StreamConfig(name="DEADLETTER_TESTSVC", subjects=["linli.deadletter.testsvc.>"],
                                              retention=RetentionPolicy.WORK_QUEUE))
    with pytest.raises(StreamMisconfigured, match="retention workqueue; Linli needs limits"):
        await started(settings())


@pytest.mark.parametrize(("pattern", "subject", "covers"), [
    ("linli.registry.>", "linli.registry.>", True), (">", "linli.registry.>", True),
    ("linli.*.>", "linli.registry.>", True), ("linli.registry.*", "linli.registry.>", False),
    ("linli.registry.resident.>", "linli.registry.>", False), ("linli.visits.>", "linli.registry.>", False),
    ("linli.registry", "linli.registry.>", False), ("linli.*.a", "linli.x.a", True),
])
def test_subject_coverage_follows_nats_wildcards(pattern, subject, covers):
    assert subject_covers(pattern, subject) is covers


async def test_every_service_expires_its_inbox_entries_after_the_configured_days(settings):
    await started(settings())
    await started(settings(inbox_retention_days=45))  # changed: applied in place, not refused

    client = mongo_client(settings())
    try:
        info = await client[settings().mongo_db][INBOX].index_information()
    finally:
        await client.close()
    assert info["handled_retention"]["key"] == [("handled_at", 1)]
    assert info["handled_retention"]["expireAfterSeconds"] == 45 * 86400


def test_the_inbox_must_outlast_the_outbox_it_can_be_republished_from():
    with pytest.raises(ValueError, match=r"LINLI_INBOX_RETENTION_DAYS \(7\) must be longer than "
                                         r"LINLI_OUTBOX_RETENTION_DAYS \(7\)"):
        ServiceSettings(inbox_retention_days=7, outbox_retention_days=7)
