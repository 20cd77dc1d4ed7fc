"""Resident use cases: register, read, change, record life events. One active registration per person."""
from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime
from typing import Any

from pypinyin import Style, lazy_pinyin

from linli_shared.auth import Access, Principal
from linli_shared.domain.groups import household_facts_from, person_facts_from, resident_groups
from linli_shared.errors import conflict, invalid
from linli_shared.mongo import version_mismatch
from linli_shared.outbox import Tx
from linli_shared.privacy import mask_id_number, redact_text

from linli_registry.domain.audit import new_entry
from linli_registry.domain.commands import ChangeResident, RecordLifeEvent, RegisterResident
from linli_registry.domain.id_card import id_tail
from linli_registry.domain.memberships import memberships_after, reconcile
from linli_registry.domain.residents import Identity, IdentityError, resolve_identity
from linli_registry.events import (
    ResidentDeceased,
    ResidentLifeEventRecorded,
    ResidentMovedOut,
    ResidentRegistered,
    ResidentState,
    ResidentUpdated,
)
from linli_registry.service_layer import audit
from linli_registry.service_layer.context import RegistryContext, known_community
from linli_registry.storage import households as household_store
from linli_registry.storage import residents as store
from linli_registry.storage.residents import LifeEvent, Resident

IDENTITY_FIELDS = ("id_type", "id_number", "birth_date", "gender")
_LEAVING = {"moved_out": ResidentMovedOut, "deceased": ResidentDeceased}
# The same number again keeps its stored ciphertext, and its stored mask: an older mask is masked anew
# whenever it is shown, so rewriting it would be a change that changes nothing (and an event saying so).
KEPT_FOR_SAME_NUMBER = ("id_number_enc", "id_number_masked")
# Stored keys that are the resident's own data (not bookkeeping like version or timestamps).
PUBLIC_STORED = frozenset({"name", "id_type", "id_number_hash", "birth_date", "gender", "ethnicity", "phone",
                           "household_id", "relation_to_head", "residence_type", "employment_status", "health",
                           "disability", "party_member", "volunteer", "retired_cadre", "special_care",
                           "birthday_calendar", "sms_consent"})


def _identity_or_422(ctx: RegistryContext, id_type: str, number: str, birth: date | None,
                     gender: str | None) -> Identity:
    try:
        return resolve_identity(id_type, number, birth, gender, ctx.today())
    except IdentityError as exc:
        raise invalid(exc.code, exc.message, ["body", exc.field]) from exc


def identity_doc(ctx: RegistryContext, identity: Identity) -> dict[str, Any]:
    """The raw number only encrypted; found again by a keyed hash; shown masked."""
    return {"id_type": identity.id_type, "id_number_enc": ctx.vault.encrypt(identity.id_number),
            "id_number_hash": ctx.vault.keyed_hash(f"{identity.id_type}:{identity.id_number}"),
            "id_number_masked": mask_id_number(identity.id_number, identity.id_type),
            "id_tail": id_tail(identity.id_number),
            "birth_date": identity.birth_date.isoformat(), "gender": identity.gender}


def name_doc(name: str) -> dict[str, str]:
    syllables = lazy_pinyin(name, style=Style.NORMAL, errors="ignore")
    return {"name": name, "name_pinyin": "".join(syllables).lower(),
            "name_initials": "".join(s[0] for s in syllables if s).lower()}


async def _check_household(tx: Tx, household_id: str | None, community: str) -> dict[str, dict[str, Any]]:
    """The household as stored, by id (none: no household), once it is known to be of `community`."""
    if household_id is None:
        return {}
    household = await household_store.get(tx, household_id)
    if household is None:
        raise invalid("resident.household.not_found", f"household {household_id} does not exist",
                      ["body", "household_id"])
    if household.community_code != community:
        raise invalid("resident.household.other_community",
                      f"household {household_id} belongs to community {household.community_code}, not {community}",
                      ["body", "household_id"])
    return {household_id: household.stored()}


async def _households_of(db: Any, docs: list[dict[str, Any]], session: Any = None) -> dict[str, dict[str, Any]]:
    return await household_store.by_ids(db, sorted({d["household_id"] for d in docs if d.get("household_id")}),
                                        session)


async def _households_and_members(db: Any, docs: list[dict[str, Any]], session: Any,
                                  household_docs: dict[str, dict[str, Any]] | None
                                  ) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """The residents' households (unless given) and everyone stored in them; outside a transaction both reads are
    sent at once (a transaction's session takes one command at a time)."""
    household_ids = sorted({d["household_id"] for d in docs if d.get("household_id")})
    if not household_ids:
        return {}, []
    members = store.housemates(db, sorted({d["community_code"] for d in docs}), household_ids, session)
    if household_docs is not None:
        return household_docs, await members
    households = household_store.by_ids(db, household_ids, session)
    if session is None:
        found, stored = await asyncio.gather(households, members)
        return found, stored
    return await households, await members


async def groups_of_many(db: Any, docs: list[dict[str, Any]], as_of: date, rules, session: Any = None,
                         household_docs: dict[str, dict[str, Any]] | None = None) -> dict[str, list[str]]:
    """Each resident's derived groups, reading their households (unless given) and housemates."""
    household_docs, stored = await _households_and_members(db, docs, session, household_docs)
    if not household_docs:
        return {d["_id"]: resident_groups(person_facts_from(d), [], None, as_of, rules) for d in docs}
    households = {hid: household_facts_from(h) for hid, h in household_docs.items()}
    members: dict[str, dict[str, Any]] = {}  # household id → its residents by id
    for m in stored:
        members.setdefault(m["household_id"], {})[m["_id"]] = m
    for d in docs:  # as the caller holds them: a registration is stored only when its transaction commits
        if d.get("household_id") in households:
            members.setdefault(d["household_id"], {})[d["_id"]] = d
    facts = {hid: [person_facts_from(m) for m in those.values()] for hid, those in members.items()}
    return {d["_id"]: resident_groups(person_facts_from(d), facts.get(d.get("household_id"), []),
                                      households.get(d.get("household_id")), as_of, rules) for d in docs}


async def groups_of(db: Any, doc: dict[str, Any], as_of: date, rules, session: Any = None) -> list[str]:
    return (await groups_of_many(db, [doc], as_of, rules, session))[doc["_id"]]


async def emit_state(ctx: RegistryContext, tx: Tx, doc: dict[str, Any], event: type[ResidentState],
                     households: dict[str, dict[str, Any]] | None = None, **extra: Any) -> list[str]:
    """Publish one resident's state; its groups as of today (what the answer shows too)."""
    return (await emit_states(ctx, tx, [(doc, event, extra)], households))[doc["_id"]]


async def emit_states(ctx: RegistryContext, tx: Tx, items: list[tuple[dict[str, Any], type[ResidentState], dict]],
                      households: dict[str, dict[str, Any]] | None = None) -> dict[str, list[str]]:
    """Publish each resident's state (address, today's groups) with two reads for the lot, not two per resident
    (one when their households are given); each resident's groups, by id."""
    docs = [doc for doc, _, _ in items]
    if households is None:
        households = await _households_of(tx.db, docs, tx.session)
    groups = await groups_of_many(tx.db, docs, ctx.today(), ctx.rules, tx.session, households)
    for doc, event, extra in items:
        state = _state(doc, households.get(doc.get("household_id")), groups[doc["_id"]])
        tx.emit(event(**state, **extra), subject=doc["_id"], community=doc["community_code"],
                aggregate_version=doc["version"])
    return groups


def _state(doc: dict[str, Any], household: dict[str, Any] | None, groups: list[str]) -> dict[str, Any]:
    state = {key: doc.get(key) for key in ResidentState.model_fields if key in doc}
    state.update(resident_id=doc["_id"], address=household["address"] if household else None,
                 grid=household.get("grid") if household else None, groups=groups,
                 special_care=doc.get("special_care") or [], party_member=bool(doc.get("party_member")),
                 volunteer=bool(doc.get("volunteer")), birthday_calendar=doc.get("birthday_calendar") or "solar",
                 sms_consent=bool(doc.get("sms_consent")))
    return state


async def register_resident(ctx: RegistryContext, principal: Principal,
                            cmd: RegisterResident) -> tuple[Resident, list[str]]:
    """The new resident and their groups as of today."""
    community = cmd.community
    principal.authorize(community, Access.WRITE)
    identity = _identity_or_422(ctx, cmd.id_type, cmd.id_number, cmd.birth_date, cmd.gender)
    fields = dict(cmd.values)
    fields.update(residence_type=fields.get("residence_type") or "registered",
                  special_care=fields.get("special_care") or [], party_member=bool(fields.get("party_member")),
                  birthday_calendar=fields.get("birthday_calendar") or "solar",
                  sms_consent=bool(fields.get("sms_consent")))
    fields["memberships"] = reconcile([], fields.get("disability"), fields["special_care"], None)  # starts unknown

    async def work(tx: Tx) -> tuple[Resident, list[str]]:
        await known_community(ctx, community, tx.session)
        households = await _check_household(tx, fields.get("household_id"), community)
        now = datetime.now(UTC)
        resident = Resident.model_validate({
            "_id": str(uuid.uuid4()), "community_code": community, "household_id": None, **fields,
            **name_doc(cmd.name), **identity_doc(ctx, identity), "status": "active", "left_on": None,
            "version": 1, "created_at": now, "updated_at": now, "created_by": principal.sub})
        store.claim_identity(tx, resident.id_number_hash, resident.id)
        store.insert(tx, resident)
        doc = resident.stored()
        groups = await emit_state(ctx, tx, doc, ResidentRegistered, households)
        await audit.record_change(tx, principal, "resident.registered", {}, trail_view(doc), filled_fields(doc))
        return resident, groups

    return await ctx.uow.run(work)


async def load_resident(ctx: RegistryContext, principal: Principal, resident_id: str, access: Access) -> Resident:
    return await store.find_authorized_resident(ctx.db, principal, resident_id, access)


def masked_id_number(doc: dict[str, Any]) -> str:
    """The number as callers without pii:read see it, masked again as today's rule says.

    Documents written before the rule changed keep an older, weaker mask (`130303********1234`, which
    with the birth date is the whole number): it is never shown as stored.
    """
    return mask_id_number(doc.get("id_number_masked") or "", doc.get("id_type")) or ""


def reveal_id_number(ctx: RegistryContext, principal: Principal, doc: dict[str, Any]) -> str:
    """The raw number for a pii:read token; the caller records the reveal (`audit.pii_revealed`)."""
    if not principal.can_read_pii:
        return masked_id_number(doc)
    return ctx.vault.decrypt(doc["id_number_enc"])


def public_fields(changes: dict[str, Any]) -> list[str]:
    """Stored keys → the field names consumers and the trail know (name_pinyin → name, id_* → id_number)."""
    # `memberships` moves only with disability / special_care, which already name the change.
    return sorted({"name" if k.startswith("name") else "id_number" if k.startswith("id_") else k
                   for k in changes if k != "memberships"})


def trail_view(doc: dict[str, Any]) -> dict[str, Any]:
    """A resident as the audit trail may see it: the ID number only in its masked form."""
    return {**doc, "id_number": masked_id_number(doc)}


def filled_fields(doc: dict[str, Any]) -> list[str]:
    return public_fields({k: v for k, v in doc.items() if k in PUBLIC_STORED and v not in (None, "", [], {}, False)})


def _changes(ctx: RegistryContext, doc: dict[str, Any], sent: dict[str, Any]) -> dict[str, Any]:
    """The stored fields a patch really changes (an identity fix is re-validated like a registration)."""
    changes = {k: v for k, v in sent.items() if k not in IDENTITY_FIELDS and k != "name"}
    if "name" in sent:
        changes.update(name_doc(sent["name"]))
    if sent.keys() & set(IDENTITY_FIELDS):
        id_type = sent.get("id_type") or doc["id_type"]
        number = sent.get("id_number") or ctx.vault.decrypt(doc["id_number_enc"])
        birth = sent.get("birth_date") or (None if id_type == "id_card" else date.fromisoformat(doc["birth_date"]))
        gender = sent.get("gender") or (None if id_type == "id_card" else doc["gender"])
        identity = identity_doc(ctx, _identity_or_422(ctx, id_type, number, birth, gender))
        if identity["id_number_hash"] == doc["id_number_hash"]:
            identity = {k: v for k, v in identity.items() if k not in KEPT_FOR_SAME_NUMBER}
        changes.update(identity)
    changes = {k: v for k, v in changes.items() if doc.get(k) != v}
    if changes.keys() & {"disability", "special_care"}:  # the dated history follows, from today
        changes["memberships"] = memberships_after(doc, changes, ctx.today())
    return changes


async def update_resident(ctx: RegistryContext, principal: Principal,
                          cmd: ChangeResident) -> tuple[Resident, list[str] | None]:
    """The resident as changed and their groups as of today (None when nothing changed: not computed)."""
    current = await load_resident(ctx, principal, cmd.resident_id, Access.WRITE)
    if current.status != "active":
        raise conflict("resident.inactive", f"resident is {current.status}; their record is closed")
    before = current.stored()
    changes = _changes(ctx, before, cmd.sent)
    if not changes:
        if current.version != cmd.expected_version:
            raise version_mismatch(f"resident {current.id}", current.version, cmd.expected_version)
        return current, None

    async def work(tx: Tx) -> tuple[Resident, list[str]]:
        # Written first, on the version the caller read: a lost race is the 412, before any other check.
        resident = await store.update(tx, cmd.resident_id, cmd.expected_version,
                                      {**changes, "updated_at": datetime.now(UTC)})
        households = None
        if "household_id" in changes:
            households = await _check_household(tx, changes["household_id"], resident.community_code)
        if "id_number_hash" in changes:
            await store.release_identity(tx, before["id_number_hash"])
            store.claim_identity(tx, changes["id_number_hash"], resident.id)
        doc, public = resident.stored(), public_fields(changes)
        groups = await emit_state(ctx, tx, doc, ResidentUpdated, households, changed=public)
        await audit.record_change(tx, principal, "resident.changed", trail_view(before), trail_view(doc), public)
        return resident, groups

    return await ctx.uow.run(work)


async def record_life_event(ctx: RegistryContext, principal: Principal,
                            cmd: RecordLifeEvent) -> tuple[LifeEvent, Resident]:
    resident_id, day = cmd.resident_id, cmd.date
    current = await load_resident(ctx, principal, resident_id, Access.WRITE)
    if day > ctx.today():
        raise invalid("life_event.date.future", f"{day} is in the future", ["body", "date"])
    if day.isoformat() < current.birth_date:
        raise invalid("life_event.date.before_birth", f"{day} is before the resident was born", ["body", "date"])

    async def work(tx: Tx) -> tuple[LifeEvent, Resident]:
        resident = await store.get(tx, resident_id)
        if resident.status != "active":
            raise conflict("resident.inactive", f"resident is {resident.status}; no further life events")
        event = LifeEvent(id=str(uuid.uuid4()), resident_id=resident_id, community_code=resident.community_code,
                          kind=cmd.kind, date=day.isoformat(), note=cmd.note, recorded_by=principal.sub,
                          recorded_at=datetime.now(UTC))
        store.add_life_event(tx, event)
        resident = resident.model_copy(update={"version": resident.version + 1, "updated_at": datetime.now(UTC)})
        note = redact_text(cmd.note) if cmd.note else None  # typed text: no ID or phone number on the bus
        tx.emit(ResidentLifeEventRecorded(life_event_id=event.id, resident_id=resident_id,
                                          community_code=resident.community_code, kind=cmd.kind, date=day,
                                          note=note),
                subject=resident_id, community=resident.community_code,
                aggregate_version=resident.version)
        if cmd.kind in _LEAVING:
            resident = resident.model_copy(update={"status": cmd.kind, "left_on": day.isoformat(),
                                                   "version": resident.version + 1})
            await store.release_identity(tx, resident.id_number_hash)
            await store.replace(tx, resident)
            await emit_state(ctx, tx, resident.stored(), _LEAVING[cmd.kind])
        else:
            await store.replace(tx, resident)
        # The note may hold health details: the trail keeps the kind and date only.
        await audit.record(tx, new_entry(principal.sub, "resident.life_event", resident.community_code,
                                         resident_ids=[resident_id], detail={"kind": cmd.kind,
                                                                             "date": day.isoformat()}))
        return event, resident

    return await ctx.uow.run(work)
