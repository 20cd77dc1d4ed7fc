"""Query shapes bent to the development store, each behind a name: workarounds, not business rules.

SecantusDB (the store the tests and `make run` use) plans some query shapes worse than MongoDB: it
scans where MongoDB would walk an index. Each helper here asks for the same documents in a shape
SecantusDB serves from an index, and says what MongoDB would do instead. On MongoDB every helper
returns the same documents as the plain shape would, in one or a few more commands; if we ever run
on MongoDB alone, each call site can go back to the plain shape named here.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable, Collection, Mapping, Sequence

from pymongo import ASCENDING, InsertOne, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection

Doc = dict[str, Any]


async def find_listed_ids(collection: AsyncCollection, ids: Sequence[str], session: AsyncClientSession | None = None,
                          ) -> list[Doc]:
    """The documents of a known, contiguous run of `_id`s, in `_id` order, naming each id.

    MongoDB: `{"_id": {"$gt": first, "$lte": last}}`, a range on the `_id` index. SecantusDB serves an
    `_id` range by reading the whole collection (a quarter of a second per call on a change log after a
    district's import), `$in` by the index.
    """
    return await collection.find({"_id": {"$in": list(ids)}}, session=session).sort("_id", ASCENDING).to_list()


IN_STEP = 50  # values per `$in` in `find_in`: fewer commands, each checking more values per document


async def find_in(collection: AsyncCollection, field: str, values: Sequence[Any],
                  query: Mapping[str, Any] | None = None, projection: Mapping[str, Any] | None = None,
                  session: AsyncClientSession | None = None) -> list[Doc]:
    """The documents matching `query` whose `field` is one of `values`, asked for `IN_STEP` values at a time.

    MongoDB: one query with `{field: {"$in": values}, **query}`. SecantusDB checks each document it finds
    against the `$in` list value by value, so a long list costs its length squared: 4,000 ids found took
    100 s in one `$in` and 3 s in fifties (500: 2 s and 0.5 s).
    """
    found: list[Doc] = []
    for start in range(0, len(values), IN_STEP):
        found += await collection.find({**(query or {}), field: {"$in": list(values[start:start + IN_STEP])}},
                                       projection, session=session).to_list()
    return found


async def find_in_then_keep(collection: AsyncCollection, field: str, values: Sequence[Any], fields: Mapping[str, Any],
                            keep: Callable[[Doc], bool], session: AsyncClientSession | None = None) -> list[Doc]:
    """The documents whose `field` is one of `values` and which `keep` accepts, judged on `fields` of each; whole.

    MongoDB: one query `{field: {"$in": values}, **conditions}`, planned on `field`'s index. SecantusDB scans the
    collection for that shape when the conditions name another index's leading field (`community_code`): each
    import batch scanned its whole community. Here the `$in` goes alone (`find_in`), reading only `fields`,
    `keep` stands for the conditions, and only the documents kept are read whole.
    """
    judged = await find_in(collection, field, values, projection=fields, session=session)
    kept = [doc["_id"] for doc in judged if keep(doc)]
    return await find_in(collection, "_id", kept, session=session) if kept else []


async def find_per_value(collection: AsyncCollection, field: str, values: Sequence[Any], query: Mapping[str, Any],
                         projection: Mapping[str, Any] | None = None,
                         session: AsyncClientSession | None = None) -> list[Doc]:
    """The documents matching `query` whose `field` is one of `values`: one query per value, in `values`' order.

    MongoDB: one query with `{field: {"$in": values}, **query}`, walking a compound index that leads with
    `field` once per value. SecantusDB plans an `$in` on an index's leading field (with another `$in`
    after it) as a scan of the collection, and equality on it as an index walk.
    """
    found: list[Doc] = []
    for value in values:
        found += await collection.find({field: value, **query}, projection, session=session).to_list()
    return found


async def find_any_of(collection: AsyncCollection, query: Mapping[str, Any], alternatives: Sequence[Mapping[str, Any]],
                      projection: Mapping[str, Any] | None, sort_by: str, limit: int) -> list[Doc]:
    """The first `limit` documents by `sort_by` matching `query` and any one of `alternatives`.

    MongoDB: one query with `{**query, "$or": alternatives}`, each branch planned on its own index.
    SecantusDB plans no index for a filter with a top-level `$or` and scans the collection, so each
    alternative is asked alone (with `query`'s clauses riding their index) and the answers merged.
    The alternatives must not overlap, or a document would come back twice.
    """
    found: list[Doc] = []
    for alternative in alternatives:
        found += await collection.find({**query, **alternative}, projection).sort(sort_by, ASCENDING).limit(
            limit).to_list()
    return sorted(found, key=lambda doc: doc[sort_by])[:limit]


async def find_ids_in_steps(collection: AsyncCollection, ids: Sequence[str], query: Mapping[str, Any],
                            wanted: int) -> list[Doc]:
    """At least `wanted` documents matching `query` (or all there are) among sorted `ids`, in `_id` order.

    MongoDB: `find({**query, "_id": {"$in": ids}}).sort("_id").limit(wanted)`, walking the `_id` index.
    SecantusDB, asked to sort a sparse match on `_id`, may walk the whole collection to fill one page, so
    the ids are asked for `wanted` at a time until enough have been found. `query` must not constrain `_id`.
    """
    found: list[Doc] = []
    for start in range(0, len(ids), wanted):
        batch = await collection.find({**query, "_id": {"$in": list(ids[start:start + wanted])}}).to_list()
        found += sorted(batch, key=lambda doc: doc["_id"])
        if len(found) >= wanted:
            break
    return found


async def write_by_id(collection: AsyncCollection, changes: Mapping[Any, Mapping[str, Any]], held: Collection[Any],
                      session: AsyncClientSession | None = None) -> None:
    """Set each document's `changes` by `_id`, creating the ones not `held` (read just before, in the same session).

    MongoDB: one `bulk_write` of `UpdateOne({"_id": id}, {"$set": fields}, upsert=True)`, an upsert of a new
    document costing what an insert does. SecantusDB spends about twice an insert's time on an upsert that
    inserts (0.49 ms of its CPU against 0.23), so the new ones are inserted. A document created meanwhile by
    another writer fails the insert (a write conflict in a transaction, retried; a duplicate key outside one).
    """
    writes: list[InsertOne | UpdateOne] = [InsertOne({"_id": doc_id, **fields}) for doc_id, fields in changes.items()
                                           if doc_id not in held]
    writes += [UpdateOne({"_id": doc_id}, {"$set": dict(fields)}) for doc_id, fields in changes.items()
               if doc_id in held]
    if writes:
        await collection.bulk_write(writes, session=session)


class BacklogWindow:
    """Where the outbox relay reads its next batch through a backlog: a window of write times, not all pending.

    MongoDB: `find({"state": "pending"}).sort("seq").limit(batch)` stops at the limit on the `(state, seq)`
    index whatever the backlog. SecantusDB cannot stop at the limit, so each batch would read the whole
    backlog (a big import's); reading a window of write times keeps a batch's read about a batch long.

    The window runs from longer than a transaction can stay open before the last batch's first entry (so
    a late commit is not passed over) to as far past its last entry as the batch itself spread (at least a
    second). A window that comes up short reaches four times as far, and again, until it reaches now.
    """

    behind = timedelta(seconds=90)  # > MongoDB's transactionLifetimeLimitSeconds (60)

    def after(self, entries: Sequence[Mapping[str, Any]]) -> tuple[datetime, datetime]:
        """The window of the batch after these (a full batch, in `seq` order)."""
        first, last = entries[0]["seq"].generation_time, entries[-1]["seq"].generation_time
        return first - self.behind, first + max(2 * (last - first), timedelta(seconds=1))

    def widened(self, window: tuple[datetime, datetime], now: datetime) -> tuple[datetime, datetime] | None:
        """The window reaching four times as far ahead; None once it already reaches now.

        A window reaches about one batch ahead at a steady write rate, and writes pause (seq counts
        whole seconds), so windows often come up short in the middle of a backlog. Reading everything
        pending there costs the whole backlog per batch; widening costs a few window reads.
        """
        start, end = window
        if end >= now:
            return None
        front = start + self.behind
        return start, front + 4 * (end - front)


__all__ = ["BacklogWindow", "find_any_of", "find_ids_in_steps", "find_in", "find_in_then_keep", "find_listed_ids",
           "find_per_value", "without_scope", "write_by_id"]


def without_scope(query: Mapping[str, Any], scope: str = "community_code") -> dict[str, Any]:
    """`query` without its `scope` condition, for a query narrowed by a field with an index of its own (a
    resident's id); the caller checks `scope` on the documents that come back.

    MongoDB: the query as it is, planned on the narrowing field's index. SecantusDB scans the whole collection
    when the query also names `community_code` (a resident's open tasks: 140 ms over 1,648 tasks, 2 ms on the
    resident's index).
    """
    return {field: condition for field, condition in query.items() if field != scope}


async def find_sorted_on(collection: AsyncCollection, index: str, query: Mapping[str, Any],
                         sort: Sequence[tuple[str, int]], limit: int) -> list[Doc]:
    """The first `limit` documents matching `query` in `sort` order, walking `index` (which must serve that sort).

    MongoDB: the same find without the hint; its planner picks the index that serves the sort. SecantusDB picks
    another index that matches the filter and sorts everything it found in memory (tasks by due date: 134 ms for
    1,648 tasks, 60 ms on the index).
    """
    return await collection.find(query).sort(list(sort)).hint(index).limit(limit).batch_size(limit).to_list()
