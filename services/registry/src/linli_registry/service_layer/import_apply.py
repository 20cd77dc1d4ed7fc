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
from linli_registry.service_layer.households import household_state
from linli_registry.storage import audit as trail
from linli_registry.storage import households as household_store
from linli_registry.storage import imports as import_store
from linli_registry.storage import residents as resident_store
from linli_registry.storage.households import Household, LowIncomePeriod
from linli_registry.storage.imports import HouseholdRef
from linli_registry.storage.residents import Resident

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
HOUSEHOLD_COLUMNS = frozenset({"household_ref", *ADDRESS})
Identification = dict[str, Any]  # the stored identity fields of one row (residents.identity_doc)


@dataclass
class Outcome:
    counts: Counter = field(default_factory=Counter)
    errors: list[RowError] = field(default_factory=list)  # each keeps its row out of the registry


@dataclass
class NewRecords:
    """Created in the batch, inserted together at its end: one round trip per collection."""

    households: list[Household] = field(default_factory=list)
    refs: list[HouseholdRef] = field(default_factory=list)
    residents: list[Resident] = field(default_factory=list)

    async def insert(self, tx: Tx) -> None:
        """In this order; a duplicate key (a concurrent registration) aborts the batch: see apply_plans."""
        await household_store.insert_many(tx, self.households)
        await import_store.add_household_refs(tx, self.refs)
        await resident_store.claim_identities(tx, self.residents)
        await resident_store.insert_many(tx, self.residents)


@dataclass
class _Batch:
    """What one transaction has read and what it has decided to publish."""

    ctx: RegistryContext
    tx: Tx
    community: str
    actor: str
    import_id: str
    identities: dict[int, Identification]  # row number → stored identity fields
    active: dict[str, Resident] = field(default_factory=dict)  # id hash → active resident anywhere
    inactive: dict[str, Resident] = field(default_factory=dict)  # id hash → left this community
    to_emit: list[tuple[Resident, type, dict]] = field(default_factory=list)
    trail: list[AuditEntry] = field(default_factory=list)  # appended in one write at the end
    # Registrations from a ledger: one trail entry per batch names them all (the import's entry names the file).
    registered: dict[str, list[str]] = field(default_factory=lambda: {"residents": [], "households": []})
    new: NewRecords = field(default_factory=NewRecords)
    outcome: Outcome = field(default_factory=Outcome)

    @property
    def today(self) -> date:
        return self.ctx.today()


async def apply_plans(ctx: RegistryContext, community: str, actor: str, import_id: str,
                      plans: list[HouseholdPlan]) -> Outcome:
    """All plans in one transaction; if a concurrent write collides, each household on its own."""
    try:
        return await ctx.uow.run(lambda tx: _apply(ctx, tx, community, actor, import_id, plans), bulk=True)
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
    await batch.new.insert(tx)
    if batch.to_emit:
        await residents.emit_states(ctx, tx, [(r.stored(), event, extra) for r, event, extra in batch.to_emit])
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
    claimed = await resident_store.claimants(batch.tx, hashes)
    for resident in await resident_store.by_ids(batch.tx, list(claimed)):
        batch.active[resident.id_number_hash] = resident
    for resident in await resident_store.left_community(batch.tx, batch.community, hashes):
        batch.inactive[resident.id_number_hash] = resident  # the latest record wins


async def _read_households(batch: _Batch, plans: list[HouseholdPlan]) -> dict[str, Household]:
    """Existing households by 户编号 or address key, or by id (a ledger exported from Linli carries the id)."""
    refs = await import_store.household_refs(batch.tx, batch.community, [p.key for p in plans if p.key])
    for plan in plans:
        if plan.key and plan.key not in refs and plan.ref and _UUID.fullmatch(plan.ref):
            refs[plan.key] = plan.ref
    found = {h.id: h for h in await household_store.in_community(batch.tx, batch.community,
                                                                  sorted(set(refs.values())))}
    return {key: found[hid] for key, hid in refs.items() if hid in found}


def _blocking_errors(batch: _Batch, plan: HouseholdPlan) -> list[RowError]:
    """A member registered and active in another community keeps the whole household out.

    The message does not say which community: a ledger would otherwise be a way to find where anyone lives.
    """
    errors = []
    for row in plan.rows:
        other = batch.active.get(batch.identities[row.row]["id_number_hash"])
        if other and other.community_code != batch.community:
            errors.append(RowError(row.row, "id_number", "import.resident.other_community",
                                   "该居民已在本区其他社区登记，请联系街道或区级管理员核实 (registered in another "
                                   "community of the district; a street or district administrator can check where)"))
    if errors:
        bad = {e.row for e in errors}
        errors += [household_skipped(row.row, min(bad)) for row in plan.rows if row.row not in bad]
    return errors


async def _write_household(batch: _Batch, plan: HouseholdPlan, existing: Household | None) -> Household | None:
    if plan.key is None:
        return None
    if existing is None:
        return _create_household(batch, plan)
    return await _update_household(batch, plan, existing)


def _create_household(batch: _Batch, plan: HouseholdPlan) -> Household:
    amount = plan.values.get("low_income_monthly_cny")
    household = Household(id=str(uuid.uuid4()), community_code=batch.community, ref=plan.ref,
                          address=plan.address or dict.fromkeys(ADDRESS), housing=plan.values.get("housing"),
                          grid=plan.values.get("grid"),
                          low_income_periods=[_period(batch.today, amount)] if amount else [], version=1,
                          created_at=datetime.now(UTC), import_id=batch.import_id)
    batch.new.refs.append(HouseholdRef(key=import_store.ref_key(batch.community, plan.key),
                                       household_id=household.id))
    batch.new.households.append(household)
    _emit_household(batch.tx, household, HouseholdRegistered)
    batch.registered["households"].append(household.id)
    batch.outcome.counts["households_created"] += 1
    return household


def _period(since: date, amount: float) -> LowIncomePeriod:
    return LowIncomePeriod(start=since.isoformat(), end=None, monthly_amount_cny=amount)


async def _update_household(batch: _Batch, plan: HouseholdPlan, household: Household) -> Household:
    changes: dict[str, Any] = {}
    if plan.address is not None and plan.address != household.address:
        changes["address"] = plan.address
    for name in ("grid", "housing"):
        if name in plan.present and plan.values.get(name) != getattr(household, name):
            changes[name] = plan.values.get(name)
    if "low_income_monthly_cny" in plan.present:
        periods = _low_income(household, plan.values.get("low_income_monthly_cny"), batch.today)
        if periods != household.low_income_periods:
            changes["low_income_periods"] = periods
    if not changes:
        return household
    before = household.stored()
    new = Household.model_validate({**before, **changes, "version": household.version + 1})
    await household_store.replace(batch.tx, new)
    _emit_household(batch.tx, new, HouseholdUpdated)
    batch.trail.append(new_entry(batch.actor, "household.changed", batch.community, household_id=household.id,
                                 changes=changes_between(before, new.stored(), sorted(changes)),
                                 detail={"import_id": batch.import_id}))
    batch.outcome.counts["households_updated"] += 1
    return new


def _low_income(household: Household, amount: float | None, today: date) -> list[LowIncomePeriod]:
    """The ledger states today's allowance: start, re-rate or end it from today (history kept)."""
    periods = list(household.low_income_periods)
    current = household.current_low_income()
    if current and current.monthly_amount_cny == amount:
        return periods
    if current and current.start == today.isoformat():
        return [*periods[:-1], _period(today, amount)] if amount else periods[:-1]
    if current:
        periods[-1] = current.model_copy(update={"end": today.isoformat()})
    return [*periods, _period(today, amount)] if amount else periods


def _emit_household(tx: Tx, household: Household, event: type) -> None:
    tx.emit(event(**household_state(household)), subject=household.id, community=household.community_code,
            aggregate_version=household.version)


async def _write_resident(batch: _Batch, row: LedgerRow, household: Household | None) -> None:
    identity = batch.identities[row.row]
    existing = batch.active.get(identity["id_number_hash"])
    if existing is None and identity["id_number_hash"] in batch.inactive:
        left = batch.inactive[identity["id_number_hash"]]
        batch.outcome.errors.append(RowError(
            row.row, "id_number", "import.resident.left",
            f"此人已于{left.left_on}{'死亡' if left.status == 'deceased' else '迁出'}，未重新登记；"
            f"如确已迁回，请逐个登记 (resident has left; not re-registered by an import)"))
        return
    household_id = household.id if household else None
    touches_household = bool(row.present & HOUSEHOLD_COLUMNS)
    if existing is None:
        _register(batch, row, identity, household_id)
    else:
        await _update(batch, row, identity, existing, household_id if touches_household else existing.household_id)


def _register(batch: _Batch, row: LedgerRow, identity: Identification, household_id: str | None) -> None:
    now = datetime.now(UTC)
    values = new_resident_values(row)
    resident = Resident(id=str(uuid.uuid4()), community_code=batch.community, household_id=household_id,
                        **values, **residents.name_doc(row.name), **identity, status="active", left_on=None,
                        version=1, created_at=now, updated_at=now, created_by=batch.actor,
                        import_id=batch.import_id,
                        memberships=reconcile([], values["disability"], values["special_care"], None))  # since unknown
    batch.new.residents.append(resident)
    batch.active[resident.id_number_hash] = resident  # a later row of the same file now finds them
    batch.to_emit.append((resident, ResidentRegistered, {}))
    batch.registered["residents"].append(resident.id)
    batch.outcome.counts["residents_created"] += 1


async def _update(batch: _Batch, row: LedgerRow, identity: Identification, resident: Resident,
                  household_id: str | None) -> None:
    before = resident.stored()
    wanted = {**resident_values(row, before), **residents.name_doc(row.name), "household_id": household_id,
              **{k: v for k, v in identity.items() if k not in residents.KEPT_FOR_SAME_NUMBER}}
    changes = {k: v for k, v in wanted.items() if before.get(k) != v}
    if changes.keys() & {"disability", "special_care"}:  # the dated history follows, from today
        changes["memberships"] = memberships_after(before, changes, batch.today)
    if not changes:
        batch.outcome.counts["residents_unchanged"] += 1
        return
    new = Resident.model_validate({**before, **changes, "version": resident.version + 1,
                                   "updated_at": datetime.now(UTC)})
    await resident_store.replace(batch.tx, new)
    batch.active[resident.id_number_hash] = new
    public = residents.public_fields(changes)
    batch.to_emit.append((new, ResidentUpdated, {"changed": public}))
    batch.trail.append(new_entry(batch.actor, "resident.changed", batch.community, resident_ids=[resident.id],
                                 household_id=household_id,
                                 changes=changes_between(residents.trail_view(before),
                                                         residents.trail_view(new.stored()), public),
                                 detail={"import_id": batch.import_id}))
    batch.outcome.counts["residents_updated"] += 1
