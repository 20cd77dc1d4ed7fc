"""Registering job intentions (登记求职意向) and the certificate paperwork."""
from __future__ import annotations

from typing import Any

from linli_shared.auth import Access, Principal
from linli_shared.errors import Problem, invalid

from linli_employment.domain.commands import ChangeSeeker, RegisterIntentions
from linli_employment.service_layer.context import Employment
from linli_employment.storage import seekers
from linli_employment.storage.seekers import Seeker


async def load(ctx: Employment, principal: Principal, seeker_id: str, access: Access) -> Seeker:
    return await seekers.load(ctx.db, principal, seeker_id, access)


async def register_intentions(ctx: Employment, principal: Principal, community: str,
                              cmd: RegisterIntentions) -> Seeker:
    """Every out-of-work resident already has a seeker record (intent_pending); this makes it active."""
    principal.authorize(community, Access.WRITE)
    seeker = await seekers.find(ctx.db, cmd.resident_id)
    if seeker is None:
        raise invalid("seeker.not_out_of_work", f"resident {cmd.resident_id} is not registered as unemployed or "
                      "laid off (or the registry's event is still on its way)", ["body", "resident_id"])
    if seeker.community_code != community:
        raise invalid("seeker.other_community", f"resident {cmd.resident_id} lives in {seeker.community_code}",
                      ["body", "resident_id"])
    if seeker.status == "inactive":
        raise Problem(409, "seeker.inactive", "this resident is no longer out of work")
    return await _save(ctx, seeker, {"intentions": cmd.intentions.model_dump(mode="json"),
                                     "certificate": cmd.certificate.model_dump(mode="json"), "status": "active"},
                       seeker.version)


async def update(ctx: Employment, principal: Principal, seeker_id: str, cmd: ChangeSeeker) -> Seeker:
    seeker = await load(ctx, principal, seeker_id, Access.WRITE)
    changes: dict[str, Any] = {}
    if cmd.intentions is not None:
        changes["intentions"] = cmd.intentions.model_dump(mode="json")
        if seeker.status == "intent_pending":
            changes["status"] = "active"
    if cmd.certificate is not None:
        changes["certificate"] = cmd.certificate.model_dump(mode="json")
    return await _save(ctx, seeker, changes, cmd.expected_version)


async def _save(ctx: Employment, seeker: Seeker, changes: dict[str, Any], expected_version: int) -> Seeker:
    return await ctx.uow.run(lambda tx: seekers.save(tx, seeker, changes, expected_version))


async def page(ctx: Employment, community: str, status: str | None, priority_group: str | None, limit: int,
               cursor: str | None, resident_id: str | None = None) -> tuple[list[Seeker], str | None]:
    """A community's seekers, optionally of one status, priority group or resident, a page at a time."""
    return await seekers.page(ctx.db, community, status, priority_group, limit, cursor, resident_id)
