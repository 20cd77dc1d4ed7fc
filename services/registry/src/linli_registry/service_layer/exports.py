"""The ledger (台账) export: the listing's filters as an XLSX with Chinese headers and a statistics page.

Rows stream from the store to the workbook a household at a time; ID numbers and phones are masked
unless the caller may read them, and either way the export is on the trail.
"""
from __future__ import annotations

import asyncio
import queue
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Iterator

from linli_shared.auth import Access, Principal
from linli_shared.domain.ages import age_on
from linli_shared.privacy import mask_phone

from linli_registry.domain.audit import new_entry
from linli_registry.files.writer import LedgerSummary, write_ledger
from linli_registry.service_layer import audit, residents
from linli_registry.service_layer.context import RegistryContext, existing_community
from linli_registry.service_layer.households import current_low_income
from linli_registry.service_layer.queries import community_counts
from linli_registry.service_layer.resident_filters import ResidentFilter, derived_groups, query_for
from linli_registry.storage import audit as trail
from linli_registry.storage import households as household_store
from linli_registry.storage import residents as resident_store

BATCH = 500  # rows handed to the writer thread at a time; at most four batches wait
_HEAD_FIRST = {"head": 0, "spouse": 1, "child": 2, "parent": 3, "grandchild": 4, "sibling": 5}


async def export_ledger(ctx: RegistryContext, principal: Principal, community: str, f: ResidentFilter,
                        target: Path) -> int:
    """Write the export to `target`; returns the number of residents in it."""
    principal.authorize(community, Access.READ)
    org = await existing_community(ctx.db, community)
    as_of = f.as_of or ctx.today()
    known = await derived_groups(ctx, community, as_of)
    query = await query_for(ctx, community, f, known)
    households = await household_store.all_of_community(ctx.db, community)
    summary = LedgerSummary(title=f"{org.name}居民台账", org_code=community, org_name=org.name, as_of=as_of,
                            filters=f.describe(), rows=-1, masked=not principal.can_read_pii,
                            generated_at=datetime.now(UTC), generated_by=principal.sub,
                            statistics=await community_counts(ctx, community, as_of))
    batches: queue.Queue = queue.Queue(maxsize=4)
    writer = asyncio.ensure_future(asyncio.to_thread(write_ledger, target, _head_first(_drain(batches)), summary))
    exported: list[dict[str, Any]] = []  # id and community of each row, for the trail
    try:
        batch: list[dict[str, Any]] = []
        async for doc in resident_store.in_ledger_order(ctx.db, query):
            batch.append(_row(ctx, principal, doc, households.get(doc.get("household_id")),
                              known.by_resident.get(doc["_id"], []), as_of))
            exported.append({"_id": doc["_id"], "community_code": community})
            if len(batch) == BATCH:
                await _hand_over(batches, batch, writer)
                batch = []
        await _hand_over(batches, batch, writer)
    finally:
        await _hand_over(batches, None, writer)  # the end (also after a failure: the writer thread must stop)
    written = await writer
    await _record(ctx, principal, community, f, exported, written)
    return written


def _drain(batches: queue.Queue) -> Iterator[dict[str, Any]]:
    while (batch := batches.get()) is not None:
        yield from batch


async def _hand_over(batches: queue.Queue, batch: list | None, writer: asyncio.Future) -> None:
    """Queue a batch for the writer thread without blocking the event loop; stop if the writer failed."""
    while True:
        if writer.done():
            writer.result()  # raises what stopped the writer
            return
        try:
            batches.put_nowait(batch)
            return
        except queue.Full:
            await asyncio.sleep(0.005)


def _head_first(rows: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Rows come grouped by household; within one, the head first, as a paper ledger lists them."""
    household: list[dict[str, Any]] = []
    for row in rows:
        if household and row["_household"] != household[0]["_household"]:
            yield from sorted(household, key=_member_order)
            household = []
        household.append(row)
    yield from sorted(household, key=_member_order)


def _member_order(row: dict[str, Any]) -> tuple[int, str]:
    return _HEAD_FIRST.get(row.get("relation_to_head") or "", 9), row["birth_date"]


def _row(ctx: RegistryContext, principal: Principal, doc: dict[str, Any], household: dict[str, Any] | None,
         groups: list[str], as_of: date) -> dict[str, Any]:
    address = (household or {}).get("address") or {}
    allowance = current_low_income(household) if household else None
    grid = (household or {}).get("grid")
    birth = date.fromisoformat(doc["birth_date"])
    return {
        "_household": doc.get("household_id") or doc["_id"],
        "household_ref": (household.get("ref") or household["_id"]) if household else None,
        **{part: address.get(part) for part in ("estate", "building", "unit", "room")},
        "grid": grid.rsplit("-", 1)[-1] if grid else None, "housing": (household or {}).get("housing"),
        **{k: doc.get(k) for k in ("relation_to_head", "name", "id_type", "gender", "ethnicity", "residence_type",
                                   "employment_status", "health", "disability", "birthday_calendar")},
        "retired_cadre": (doc.get("retired_cadre") or {}).get("kind"),
        "id_number": residents.reveal_id_number(ctx, principal, doc), "birth_date": doc["birth_date"],
        "phone": doc.get("phone") if principal.can_read_pii else mask_phone(doc.get("phone")),
        "party_member": bool(doc.get("party_member")), "volunteer": bool(doc.get("volunteer")),
        "special_care": doc.get("special_care") or [],
        "low_income_monthly_cny": allowance["monthly_amount_cny"] if allowance else None,
        "age": age_on(birth, max(birth, as_of)), "groups": groups, "status": doc["status"],
    }


async def _record(ctx: RegistryContext, principal: Principal, community: str, f: ResidentFilter,
                  docs: list[dict[str, Any]], written: int) -> None:
    await trail.append(ctx.db, [new_entry(principal.sub, "export", community, detail={
        "filters": f.describe(), "rows": written, "masked": not principal.can_read_pii})])
    await audit.pii_revealed(ctx, principal, docs, via="export")
