"""MongoDB through PyMongo's async API: client, declared indexes, optimistic concurrency."""
from __future__ import annotations

import asyncio
from typing import Any, Mapping, Sequence

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, StatusCode
from pymongo import AsyncMongoClient, IndexModel, ReturnDocument, monitoring
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import PyMongoError

from linli_shared.auth import Access, Principal
from linli_shared.errors import Problem
from linli_shared.logging import get_logger
from linli_shared.settings import ServiceSettings
from linli_shared.store_shapes import write_by_id
from linli_shared.tracing import tracer

log = get_logger()
Indexes = Mapping[str, Sequence[IndexModel]]


def mongo_client(settings: ServiceSettings) -> AsyncMongoClient:
    return AsyncMongoClient(settings.mongo_url, tz_aware=True, appname=f"linli-{settings.service_name}",
                            serverSelectionTimeoutMS=5000, event_listeners=[StoreSpans()])


_MOST_OPEN_STORE_SPANS = 10_000


class StoreSpans(monitoring.CommandListener):
    """A span for each store command, a child of the span that issued it (a request, a handler, a publish).

    Named and labelled by command, database and collection only: a command's content (filters, documents,
    an error's duplicate key) holds residents' data and never goes into a span.
    """

    def __init__(self) -> None:
        self._open: dict[tuple[Any, int], Span] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if not trace.get_current_span().is_recording():
            return  # a relay poll or a lease renewal outside any request: not worth a trace of its own
        collection = event.command.get(event.command_name)
        target = f"{event.database_name}.{collection}" if isinstance(collection, str) else event.database_name
        host, port = event.connection_id
        attributes = {"db.system.name": "mongodb", "db.namespace": event.database_name,
                      "db.operation.name": event.command_name, "server.address": host, "server.port": port}
        if isinstance(collection, str):
            attributes["db.collection.name"] = collection
        if len(self._open) >= _MOST_OPEN_STORE_SPANS:
            self._open.clear()  # commands that never reported an outcome (cancelled): drop, never grow without end
        self._open[(event.connection_id, event.request_id)] = tracer().start_span(
            f"{event.command_name} {target}", kind=SpanKind.CLIENT, attributes=attributes)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        span = self._open.pop((event.connection_id, event.request_id), None)
        if span is not None:
            span.end()

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        span = self._open.pop((event.connection_id, event.request_id), None)
        if span is not None:
            span.set_status(StatusCode.ERROR, str(event.failure.get("codeName", "failed")))
            span.end()


async def wait_for_mongo(client: AsyncMongoClient, attempts: int = 30, delay: float = 1.0) -> None:
    """Bounded retry at start-up: the store may come up after us (compose, a restart)."""
    for attempt in range(1, attempts + 1):
        try:
            await client.admin.command("ping")
            return
        except PyMongoError as exc:
            log.warning("mongo.waiting", attempt=attempt, error=str(exc))
            if attempt == attempts:
                raise
            await asyncio.sleep(delay)


async def ensure_indexes(db: Any, indexes: Indexes) -> None:
    """Declared in code, created at start-up; creating an existing index is a no-op."""
    for collection, models in indexes.items():
        if models:
            await _retune_expiry(db[collection], models)
            await db[collection].create_indexes(list(models))


async def _retune_expiry(collection: AsyncCollection, models: Sequence[IndexModel]) -> None:
    """A retention setting changed (LINLI_INBOX_RETENTION_DAYS): create_indexes would refuse the index whose
    expiry differs, so change it in place first, as MongoDB's collMod does without a rebuild."""
    held = await collection.index_information()
    for model in models:
        name, seconds = model.document["name"], model.document.get("expireAfterSeconds")
        before = held.get(name, {}).get("expireAfterSeconds")
        if seconds is not None and before is not None and before != seconds:
            await collection.database.command({"collMod": collection.name,
                                               "index": {"name": name, "expireAfterSeconds": seconds}})
            log.info("mongo.expiry_changed", collection=collection.name, index=name, before_s=before, after_s=seconds)


async def update_versioned(collection: AsyncCollection, doc_id: str, expected_version: int,
                           update: Mapping[str, Any], session: AsyncClientSession | None,
                           not_found_code: str, *, what: str = "", where: Mapping[str, Any] | None = None,
                           projection: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Apply `update` only if the document is still at `expected_version`; bump the version; return it after.

    `update` is an update document (`$set`, `$inc`, `$push`, ...); the version's `$inc` is added to it.
    `where` adds conditions the document must still meet (a status the caller read), `what` names the
    aggregate in the messages ("report"), `projection` trims the document returned. A lost race is a 412
    for the caller to re-read and retry, never a silent overwrite; a missing document is a 404.
    """
    update = {op: dict(fields) for op, fields in update.items()}
    update.setdefault("$inc", {})["version"] = 1
    doc = await collection.find_one_and_update({**(where or {}), "_id": doc_id, "version": expected_version},
                                               update, projection=projection, session=session,
                                               return_document=ReturnDocument.AFTER)
    if doc is not None:
        return doc
    current = await collection.find_one({"_id": doc_id}, {"version": 1}, session=session)
    named = f"{what} {doc_id}" if what else doc_id
    if current is None:
        raise Problem(404, not_found_code, f"{named} does not exist")
    raise version_mismatch(named, current["version"], expected_version)


def version_mismatch(named: str, held: int, expected: int) -> Problem:
    """The one 412 of optimistic concurrency, worded once: what changed, where it is now, what to do."""
    if held == expected:
        return Problem(412, "version.mismatch", f"{named} changed meanwhile; re-read and retry")
    return Problem(412, "version.mismatch", f"{named} is at version {held}, not {expected}; re-read and retry")


async def upsert_if_newer(collection: AsyncCollection, doc_id: str, version: int, fields: Mapping[str, Any],
                          session: AsyncClientSession | None,
                          on_insert: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
    """Apply another service's state to a projection only if it is newer than what we hold.

    Redelivered, duplicated or reordered events then converge on the newest state. Returns the
    document as it now stands (so handlers need not read it again), or None when the event was
    stale and changed nothing. `on_insert` fields are written only when the document is new.
    """
    changed = await upsert_many_if_newer(collection, [(doc_id, version, fields)], session, on_insert)
    return changed[0] if changed else None


async def upsert_many_if_newer(collection: AsyncCollection, states: Sequence[tuple[str, int, Mapping[str, Any]]],
                               session: AsyncClientSession | None,
                               on_insert: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """`upsert_if_newer` for a run of (id, version, fields) in one read and one write, with the same outcome.

    States apply in order, as one call each would; the documents that changed come back as they now
    stand, in the order each first changed.
    """
    ids = list(dict.fromkeys(doc_id for doc_id, _, _ in states))
    held = {doc["_id"]: doc for doc in await collection.find({"_id": {"$in": ids}}, session=session).to_list()}
    existing = set(held)
    changes: dict[str, dict[str, Any]] = {}
    for doc_id, version, fields in states:
        current = held.get(doc_id)
        if current is not None and current.get("version", 0) >= version:
            continue
        first = (on_insert or {}) if current is None else {}
        changes[doc_id] = {**changes.get(doc_id, {}), **first, **fields, "version": version}
        held[doc_id] = {**(current or {}), **first, **fields, "version": version, "_id": doc_id}
    await write_by_id(collection, changes, existing, session)
    return [held[doc_id] for doc_id in changes]


async def find_authorized(collection: AsyncCollection, doc_id: str, principal: Principal, access: Access,
                          what: str, code: str, field: str = "community_code") -> dict[str, Any]:
    """Load one community-owned document by id: 404 `code` if missing, 403 unless the principal may `access` it."""
    doc = await collection.find_one({"_id": doc_id})
    if doc is None:
        raise Problem(404, code, f"{what} {doc_id} does not exist")
    principal.authorize(doc[field], access)
    return doc
