"""The development store sweeps its TTL indexes at the interval we give it, not SecantusDB's fixed minute."""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from pymongo import MongoClient

from linli_devtools.servers import MongoServer


def test_the_dev_store_expires_documents_at_the_sweep_interval_it_is_given(tmp_path):
    store = MongoServer(tmp_path, ttl_sweep_seconds=0.5).start(timeout=60)
    try:
        client = MongoClient(store.url)
        things = client.linli.things
        things.create_index("at", expireAfterSeconds=0)
        things.insert_many([{"at": datetime.now(UTC) - timedelta(seconds=1)}, {"kept": True}])
        deadline = time.monotonic() + 10  # SecantusDB's own daemon would sweep only after 60 s
        while things.count_documents({}) > 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [doc.get("kept") for doc in things.find({}, {"_id": 0})] == [True]
        client.close()
    finally:
        store.stop()
