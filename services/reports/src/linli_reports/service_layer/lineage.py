"""Which people (or visits, or referrals) are behind a number: scoped and masked like everything else.

Workers and admins of the community only (never officers: they see aggregates). Without pii:read a
phone is masked and the fields that name a sensitive category (a visit's reason, such as
hospitalized; a seeker's priority groups, such as disabled) are null; the projection holds no ID
number, so none can be shown. With pii:read every page is recorded on the reveal trail first.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.domain.ages import age_on
from linli_shared.errors import not_found
from linli_shared.pagination import decode_cursor, encode_cursor
from linli_shared.privacy import mask_phone
from linli_shared.trail import record_reveal

from linli_reports.service_layer.context import Reports
from linli_reports.service_layer.reports import get_report
from linli_reports.storage import lineage as stored
from linli_reports.storage.projection import by_id, members_of

# What pii:read unmasks in each kind of lineage, and so what the reveal trail names.
UNMASKED = {"residents": ("phone",), "households": ("phone",), "visits": ("reason",),
            "referrals": ("priority_groups",), "placements": ("priority_groups",)}


async def lineage(ctx: Reports, principal: Principal, report_id: str, indicator: str, limit: int,
                  cursor: str | None) -> dict[str, Any]:
    report = await get_report(ctx, principal, report_id, Access.READ)  # people, not aggregates: no officers
    cell = await stored.cell(ctx.db, report_id, report.revision, indicator)
    if cell is None:
        raise not_found("report.cell.no_lineage", f"{indicator} is not a computed cell of report {report_id}")
    after = decode_cursor(cursor)
    ids = [i for i in cell.ids if after is None or i > after]
    page, more = ids[:limit], len(ids) > limit
    rows, people = await _rows(ctx, cell.kind, page, date.fromisoformat(report.as_of), principal.can_read_pii)
    if principal.can_read_pii:
        await record_reveal(ctx.db, principal, via="report_lineage", community=report.community_code,
                            subject_ids=people, fields=list(UNMASKED[cell.kind]))
    return {"indicator": indicator, "kind": cell.kind, "revision": report.revision, "total": len(cell.ids),
            "items": rows, "next_cursor": encode_cursor(page[-1]) if more else None}


async def _rows(ctx: Reports, kind: str, ids: list[str], as_of: date,
                pii: bool) -> tuple[list[dict[str, Any]], list[str]]:
    """The page's rows, and the residents they show."""
    if kind == "residents":
        found = await by_id(ctx.db, "residents", ids)
        return [_person(found.get(i, {"_id": i}), as_of, pii) for i in ids], ids
    if kind == "households":
        found = await by_id(ctx.db, "households", ids)
        members = await members_of(ctx.db, ids)
        return [{"id": i, "address": found.get(i, {}).get("address"), "grid": found.get(i, {}).get("grid"),
                 "members": [_person(m, as_of, pii) for m in members if m["household_id"] == i]}
                for i in ids], [m["_id"] for m in members]
    found = await by_id(ctx.db, kind, ids)
    behind = sorted({d["resident_id"] for d in found.values()})
    people = await by_id(ctx.db, "residents", behind)
    fields = {"visits": ("visited_on", "reason", "met", "aid_total_cny"),
              "referrals": ("referred_on", "job_title", "employer_name", "priority_groups", "outcome"),
              "placements": ("start_date", "job_id", "priority_groups")}[kind]
    shown = [f for f in fields if pii or f not in UNMASKED[kind]]
    return [{"id": i, "resident_id": found.get(i, {}).get("resident_id"),
             "resident_name": people.get(found.get(i, {}).get("resident_id"), {}).get("name"),
             **{f: found.get(i, {}).get(f) if f in shown else None for f in fields}} for i in ids], behind


def _person(resident: dict[str, Any], as_of: date, pii: bool) -> dict[str, Any]:
    """Name, gender, age, grid and status; the phone masked without pii:read; never an ID number."""
    birth = resident.get("birth_date")
    age = age_on(date.fromisoformat(birth), as_of) if birth and date.fromisoformat(birth) <= as_of else None
    phone = resident.get("phone")
    return {"id": resident["_id"], "name": resident.get("name"), "gender": resident.get("gender"), "age": age,
            "grid": resident.get("grid"), "household_id": resident.get("household_id"),
            "status": resident.get("status"), "phone": phone if pii else mask_phone(phone)}

