"""Writing a batch of ledger households: one transaction, events through the outbox, a trail entry per change.

Nothing that is already as the ledger says is written again, so a second import of the same file
publishes nothing. A household is written whole or not at all.
"""
from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from linli_shared.outbox import Tx

from linli_registry.domain.audit import AuditEntry, changes_between, new_entry
from linli_registry.domain.ledger import LedgerRow, RowError
from linli_registry.domain.ledger_households import ADDRESS, HouseholdPlan, household_skipped
from linli_registry.domain.ledger_residents import new_resident_values, resident_values
from linli_registry.domain.memberships import memberships_after, reconcile
from linli_registry.domain.residents import Identity
from linli_registry.events import HouseholdRegistered, HouseholdUpdated, ResidentRegistered, ResidentUpdated
from linli_registry.service_layer import residents
from linli_registry.service_layer.context import RegistryContext
from linli_registry.service_layer.households import current_low_income, household_state
from linli_registry.storage import audit as trail
from linli_registry.storage.imports import HOUSEHOLD_REFS
from linli_registry.storage.indexes import HOUSEHOLDS, ID_REGISTRATIONS, RESIDENTS

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
HOUSEHOLD_COLUMNS = frozenset({"household_ref", *ADDRESS})
# New documents are inserted together at the end of the batch (one round trip per collection), in this order.
_NEW_IN_ORDER = (HOUSEHOLDS, HOUSEHOLD_REFS, ID_REGISTRATIONS, RESIDENTS)


@dataclass
class Outcome:
    counts: Counter = field(default_factory=Counter)
    errors: list[RowError] = field(default_factory=list)  # each keeps its row out of the registry


@dataclass
class _Batch:
    """What one transaction has read and what it has decided to publish."""

    ctx: RegistryContext
    tx: Tx
    community: str
    actor: str
    import_id: str
    identities: dict[int, dict[str, Any]]  # row number → stored identity fields
    active: dict[str, dict[str, Any]] = field(default_factory=dict)  # id hash → active resident anywhere
    inactive: dict[str, dict[str, Any]] = field(default_factory=dict)  # id hash → left this community
    to_emit: list[tuple[dict, type, dict]] = field(default_factory=list)
    trail: list[AuditEntry] = field(default_factory=list)  # appended in one write at the end
    # Registrations from a ledger: one trail entry per batch names them all (the import's entry names the file).
    registered: dict[str, list[str]] = field(default_factory=lambda: {"residents": [], "households": []})
    new_docs: dict[str, list[dict]] = field(default_factory=lambda: {name: [] for name in _NEW_IN_ORDER})
    outcome: Outcome = field(default_factory=Outcome)

    @property
    def today(self) -> date:
        return self.ctx.today()


async def apply_plans(ctx: RegistryContext, community: str, actor: str, import_id: str,
                      plans: list[HouseholdPlan]) -> Outcome:
    """All plans in one transaction; if a concurrent write collides, each household on its own."""
    try:
        return await ctx.uow.run(lambda tx: _apply(ctx, tx, community, actor, import_id, plans))
    except DuplicateKeyError:
        if len(plans) == 1:
            return Outcome(errors=[RowError(r.row, "id_number", "resident.duplicate",
                                            "此人刚在别处登记，请稍后重新导入 (registered concurrently; import again)")
                                   for r in plans[0].rows])
    total = Outcome()
    for plan in plans:
        one = await apply_plans(ctx, community, actor, import_id, [plan])
        total.counts.update(one.counts)
        total.errors.extend(one.errors)
    return total


async def _apply(ctx: RegistryContext, tx: Tx, community: str, actor: str, import_id: str,
                 plans: list[HouseholdPlan]) -> Outcome:
    rows = [row for plan in plans for row in plan.rows]
    batch = _Batch(ctx, tx, community, actor, import_id,
                   identities={r.row: residents.identity_doc(ctx, _identity(r)) for r in rows})
    await _read_residents(batch)
    households = await _read_households(batch, plans)
    for plan in plans:
        blocked = _blocking_errors(batch, plan)
        if blocked:
            batch.outcome.errors.extend(blocked)
            continue
        household = await _write_household(batch, plan, households.get(plan.key))
        for row in plan.rows:
            await _write_resident(batch, row, household)
    for collection, docs in batch.new_docs.items():
        if docs:  # a duplicate key (a concurrent registration) aborts the batch: see apply_plans
            await tx.db[collection].insert_many(docs, session=tx.session)
    if batch.to_emit:
        await residents.emit_states(ctx, tx, batch.to_emit)
    await trail.append(tx.db, [*_registrations(batch), *batch.trail], tx.session)
    return batch.outcome


def _registrations(batch: _Batch) -> list[AuditEntry]:
    made = batch.registered
    entries = [new_entry(batch.actor, "household.registered", batch.community,
                         detail={"import_id": batch.import_id, "household_ids": made["households"]})
               ] if made["households"] else []
    if made["residents"]:
        entries.append(new_entry(batch.actor, "resident.registered", batch.community, resident_ids=made["residents"],
                                 detail={"import_id": batch.import_id}))
    return entries


def _identity(row: LedgerRow) -> Identity:
    return Identity(row.id_type, row.id_number, row.birth_date, row.gender)


async def _read_residents(batch: _Batch) -> None:
    hashes = [ident["id_number_hash"] for ident in batch.identities.values()]
    session, db = batch.tx.session, batch.tx.db
    claimed = {r["resident_id"]: r["_id"] for r in
               await db[ID_REGISTRATIONS].find({"_id": {"$in": hashes}}, session=session).to_list()}
    for doc in await db[RESIDENTS].find({"_id": {"$in": list(claimed)}}, session=session).to_list():
        batch.active[doc["id_number_hash"]] = doc
    left = db[RESIDENTS].find({"id_number_hash": {"$in": hashes}, "community_code": batch.community,
                               "status": {"$ne": "active"}}, session=session).sort("updated_at", 1)
    for doc in await left.to_list():
        batch.inactive[doc["id_number_hash"]] = doc  # the latest record wins


async def _read_households(batch: _Batch, plans: list[HouseholdPlan]) -> dict[str, dict[str, Any]]:
    """Existing households by 户编号 or address key, or by id (a ledger exported from Linli carries the id)."""
    keys = [p.key for p in plans if p.key]
    session, db = batch.tx.session, batch.tx.db
    refs = {r["_id"].split(":", 1)[1]: r["household_id"] for r in await db[HOUSEHOLD_REFS].find(
        {"_id": {"$in": [f"{batch.community}:{k}" for k in keys]}}, session=session).to_list()}
    for plan in plans:
        if plan.key and plan.key not in refs and plan.ref and _UUID.fullmatch(plan.ref):
            refs[plan.key] = plan.ref
    found = {h["_id"]: h for h in await db[HOUSEHOLDS].find(
        {"_id": {"$in": sorted(set(refs.values()))}, "community_code": batch.community}, session=session).to_list()}
    return {key: found[hid] for key, hid in refs.items() if hid in found}


def _blocking_errors(batch: _Batch, plan: HouseholdPlan) -> list[RowError]:
    """A member registered and active in another community keeps the whole household out.

    The message does not say which community: a ledger would otherwise be a way to find where anyone lives.
    """
    errors = []
    for row in plan.rows:
        other = batch.active.get(batch.identities[row.row]["id_number_hash"])
        if other and other["community_code"] != batch.community:
            errors.append(RowError(row.row, "id_number", "import.resident.other_community",
                                   "该居民已在本区其他社区登记，请联系街道或区级管理员核实 (registered in another "
                                   "community of the district; a street or district administrator can check where)"))
    if errors:
        bad = {e.row for e in errors}
        errors += [household_skipped(row.row, min(bad)) for row in plan.rows if row.row not in bad]
    return errors


async def _write_household(batch: _Batch, plan: HouseholdPlan, existing: dict | None) -> dict | None:
    if plan.key is None:
        return None
    if existing is None:
        return await _create_household(batch, plan)
    return await _update_household(batch, plan, existing)


async def _create_household(batch: _Batch, plan: HouseholdPlan) -> dict[str, Any]:
    tx, now = batch.tx, datetime.now(UTC)
    address = plan.address or dict.fromkeys(ADDRESS)
    amount = plan.values.get("low_income_monthly_cny")
    doc = {"_id": str(uuid.uuid4()), "community_code": batch.community, "ref": plan.ref, "address": address,
           "housing": plan.values.get("housing"), "grid": plan.values.get("grid"),
           "low_income_periods": [_period(batch.today, amount)] if amount else [], "version": 1,
           "created_at": now, "import_id": batch.import_id}
    batch.new_docs[HOUSEHOLD_REFS].append({"_id": f"{batch.community}:{plan.key}", "household_id": doc["_id"]})
    batch.new_docs[HOUSEHOLDS].append(doc)
    _emit_household(tx, doc, HouseholdRegistered)
    batch.registered["households"].append(doc["_id"])
    batch.outcome.counts["households_created"] += 1
    return doc


def _period(since: date, amount: float) -> dict[str, Any]:
    return {"start": since.isoformat(), "end": None, "monthly_amount_cny": amount}


async def _update_household(batch: _Batch, plan: HouseholdPlan, doc: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if plan.address is not None and plan.address != doc["address"]:
        changes["address"] = plan.address
    for name in ("grid", "housing"):
        if name in plan.present and plan.values.get(name) != doc.get(name):
            changes[name] = plan.values.get(name)
    if "low_income_monthly_cny" in plan.present:
        periods = _low_income(doc, plan.values.get("low_income_monthly_cny"), batch.today)
        if periods != doc.get("low_income_periods", []):
            changes["low_income_periods"] = periods
    if not changes:
        return doc
    tx = batch.tx
    new = {**doc, **changes, "version": doc["version"] + 1}
    await tx.db[HOUSEHOLDS].replace_one({"_id": doc["_id"]}, new, session=tx.session)
    _emit_household(tx, new, HouseholdUpdated)
    batch.trail.append(new_entry(batch.actor, "household.changed", batch.community, household_id=doc["_id"],
                                     changes=changes_between(doc, new, sorted(changes)),
                                     detail={"import_id": batch.import_id}))
    batch.outcome.counts["households_updated"] += 1
    return new


def _low_income(doc: dict[str, Any], amount: float | None, today: date) -> list[dict[str, Any]]:
    """The ledger states today's allowance: start, re-rate or end it from today (history kept)."""
    periods = list(doc.get("low_income_periods", []))
    current = current_low_income(doc)
    if current and current["monthly_amount_cny"] == amount:
        return periods
    if current and current["start"] == today.isoformat():
        return [*periods[:-1], _period(today, amount)] if amount else periods[:-1]
    if current:
        periods[-1] = {**current, "end": today.isoformat()}
    return [*periods, _period(today, amount)] if amount else periods


def _emit_household(tx: Tx, doc: dict[str, Any], event: type) -> None:
    tx.emit(event(**household_state(doc)), subject=doc["_id"], community=doc["community_code"],
            aggregate_version=doc["version"])


async def _write_resident(batch: _Batch, row: LedgerRow, household: dict | None) -> None:
    identity = batch.identities[row.row]
    existing = batch.active.get(identity["id_number_hash"])
    if existing is None and identity["id_number_hash"] in batch.inactive:
        left = batch.inactive[identity["id_number_hash"]]
        batch.outcome.errors.append(RowError(
            row.row, "id_number", "import.resident.left",
            f"此人已于{left.get('left_on')}{'死亡' if left['status'] == 'deceased' else '迁出'}，未重新登记；"
            f"如确已迁回，请逐个登记 (resident has left; not re-registered by an import)"))
        return
    household_id = household["_id"] if household else None
    touches_household = bool(row.present & HOUSEHOLD_COLUMNS)
    if existing is None:
        await _register(batch, row, identity, household_id)
    else:
        await _update(batch, row, identity, existing, household_id if touches_household else existing["household_id"])


async def _register(batch: _Batch, row: LedgerRow, identity: dict[str, Any], household_id: str | None) -> None:
    now = datetime.now(UTC)
    values = new_resident_values(row)
    doc = {"_id": str(uuid.uuid4()), "community_code": batch.community, "household_id": household_id,
           **values, **residents.name_doc(row.name), **identity, "status": "active",
           "left_on": None, "version": 1, "created_at": now, "updated_at": now, "created_by": batch.actor,
           "import_id": batch.import_id,
           "memberships": reconcile([], values["disability"], values["special_care"], None)}  # since unknown
    batch.new_docs[ID_REGISTRATIONS].append({"_id": doc["id_number_hash"], "resident_id": doc["_id"]})
    batch.new_docs[RESIDENTS].append(doc)
    batch.active[doc["id_number_hash"]] = doc  # a later row of the same file now finds them
    batch.to_emit.append((doc, ResidentRegistered, {}))
    batch.registered["residents"].append(doc["_id"])
    batch.outcome.counts["residents_created"] += 1


async def _update(batch: _Batch, row: LedgerRow, identity: dict[str, Any], doc: dict[str, Any],
                  household_id: str | None) -> None:
    wanted = {**resident_values(row, doc), **residents.name_doc(row.name), "household_id": household_id,
              **{k: v for k, v in identity.items() if k not in residents.KEPT_FOR_SAME_NUMBER}}
    changes = {k: v for k, v in wanted.items() if doc.get(k) != v}
    if changes.keys() & {"disability", "special_care"}:  # the dated history follows, from today
        changes["memberships"] = memberships_after(doc, changes, batch.today)
    if not changes:
        batch.outcome.counts["residents_unchanged"] += 1
        return
    tx = batch.tx
    new = {**doc, **changes, "version": doc["version"] + 1, "updated_at": datetime.now(UTC)}
    await tx.db[RESIDENTS].replace_one({"_id": doc["_id"]}, new, session=tx.session)
    batch.active[doc["id_number_hash"]] = new
    public = residents.public_fields(changes)
    batch.to_emit.append((new, ResidentUpdated, {"changed": public}))
    batch.trail.append(new_entry(batch.actor, "resident.changed", batch.community, resident_ids=[doc["_id"]],
                                     household_id=household_id,
                                     changes=changes_between(residents.trail_view(doc), residents.trail_view(new),
                                                             public),
                                     detail={"import_id": batch.import_id}))
    batch.outcome.counts["residents_updated"] += 1
