"""Registering job intentions (登记求职意向) and the certificate paperwork."""
from __future__ import annotations

from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.errors import Problem, invalid
from linli_shared.mongo import find_authorized
from linli_shared.outbox import Tx

from linli_employment.api.schemas import SeekerIn, SeekerPatch
from linli_employment.events import SeekerUpdated
from linli_employment.service_layer.context import Employment
from linli_employment.storage import seekers
from linli_employment.storage.indexes import SEEKERS


async def load(ctx: Employment, principal: Principal, seeker_id: str, access: Access) -> dict[str, Any]:
    return await find_authorized(ctx.db[SEEKERS], seeker_id, principal, access, "job seeker", "seeker.not_found")


async def register_intentions(ctx: Employment, principal: Principal, community: str, body: SeekerIn) -> dict:
    """Every out-of-work resident already has a seeker record (intent_pending); this makes it active."""
    principal.authorize(community, Access.WRITE)
    seeker = await ctx.db[SEEKERS].find_one({"_id": body.resident_id})
    if seeker is None:
        raise invalid("seeker.not_out_of_work", f"resident {body.resident_id} is not registered as unemployed or "
                      "laid off (or the registry's event is still on its way)", ["body", "resident_id"])
    if seeker["community_code"] != community:
        raise invalid("seeker.other_community", f"resident {body.resident_id} lives in {seeker['community_code']}",
                      ["body", "resident_id"])
    if seeker["status"] == "inactive":
        raise Problem(409, "seeker.inactive", "this resident is no longer out of work")
    return await _save(ctx, seeker, {"intentions": body.intentions.model_dump(mode="json"),
                                     "certificate": body.certificate.model_dump(mode="json"), "status": "active"})


async def update(ctx: Employment, principal: Principal, seeker_id: str, patch: SeekerPatch, if_match: int) -> dict:
    seeker = await load(ctx, principal, seeker_id, Access.WRITE)
    if seeker["version"] != if_match:
        raise Problem(412, "version.mismatch", f"seeker is at version {seeker['version']}, not {if_match}")
    changes = {k: v for k, v in patch.model_dump(mode="json", exclude_unset=True).items() if v is not None}
    if "intentions" in changes and seeker["status"] == "intent_pending":
        changes["status"] = "active"
    return await _save(ctx, seeker, changes)


async def _save(ctx: Employment, seeker: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    async def work(tx: Tx) -> dict[str, Any]:
        updated = {**seeker, **changes, "version": seeker["version"] + 1}
        result = await tx.db[SEEKERS].replace_one({"_id": seeker["_id"], "version": seeker["version"]}, updated,
                                                  session=tx.session)
        if not result.modified_count:
            raise Problem(412, "version.mismatch", "the seeker changed meanwhile; re-read and retry")
        seekers.emit(tx, updated, SeekerUpdated)
        return updated

    return await ctx.uow.run(work)
