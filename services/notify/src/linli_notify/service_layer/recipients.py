"""Who a rule reaches, from the local projections of the registry's staff and residents."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from linli_shared.outbox import Tx

from linli_notify.domain.planning import Preferences, Recipient
from linli_notify.domain.quiet import parse_hhmm
from linli_notify.domain.rules import RuleOverride
from linli_notify.storage.indexes import COMMUNITY_SETTINGS, PREFERENCES, RESIDENTS, STAFF


class RecipientNotYetKnown(Exception):
    """The registry's event is still on its way: the consumer retries with back-off, then dead-letters."""


def staff_recipient(doc: Mapping[str, Any] | None, staff_id: str, robot: str | None) -> Recipient:
    if doc is None or not doc.get("active", True):
        return Recipient("staff", staff_id, known=False)
    return Recipient("staff", staff_id, name=doc.get("name"), phone=doc.get("phone"), email=doc.get("email"),
                     wecom_userid=doc.get("wecom_userid"), wecom_robot=robot)


async def staff(tx: Tx, staff_id: str, robot: str | None) -> Recipient:
    return staff_recipient(await tx.db[STAFF].find_one({"_id": staff_id}, session=tx.session), staff_id, robot)


async def admins(tx: Tx, community: str, robot: str | None) -> list[Recipient]:
    docs = await tx.db[STAFF].find({"community_code": community, "role": "admin", "active": True},
                                   session=tx.session).sort("_id", 1).to_list()
    return [staff_recipient(doc, doc["_id"], robot) for doc in docs]


async def resident(tx: Tx, resident_id: str) -> Recipient:
    doc = await tx.db[RESIDENTS].find_one({"_id": resident_id}, session=tx.session)
    if doc is None:
        raise RecipientNotYetKnown(resident_id)
    return Recipient("resident", resident_id, name=doc.get("name"),
                     phone=doc.get("phone") if doc.get("status") == "active" else None,
                     sms_consent=bool(doc.get("sms_consent")) and doc.get("status") == "active")


async def preferences(db: Any, recipient_id: str, session: Any = None) -> Preferences:
    doc = await db[PREFERENCES].find_one({"_id": recipient_id}, session=session)
    if doc is None:
        return Preferences()
    quiet = doc.get("quiet_hours") or {}
    return Preferences(channels=tuple(doc["channels"]) if doc.get("channels") is not None else None,
                       quiet_start=parse_hhmm(quiet["start"]) if quiet else None,
                       quiet_end=parse_hhmm(quiet["end"]) if quiet else None,
                       opt_outs=frozenset(doc.get("opt_outs", ())))


async def community_settings(db: Any, community: str,
                             session: Any = None) -> tuple[dict[str, RuleOverride], str | None]:
    """A community's rule overrides and its WeCom group robot URL."""
    doc = await db[COMMUNITY_SETTINGS].find_one({"_id": community}, session=session) or {}
    overrides = {key: RuleOverride.model_validate(value) for key, value in (doc.get("rules") or {}).items()}
    return overrides, doc.get("wecom_robot_url")
