"""Who a rule reaches, from the local projections of the registry's staff and residents."""
from __future__ import annotations

from typing import Any

from linli_shared.outbox import Tx

from linli_notify.domain.planning import Preferences, Recipient
from linli_notify.domain.quiet import parse_hhmm
from linli_notify.domain.rules import RuleOverride
from linli_notify.storage import community_settings as stored_settings
from linli_notify.storage import preferences as stored_preferences
from linli_notify.storage import recipients as kept
from linli_notify.storage.preferences import StoredPreferences
from linli_notify.storage.recipients import StaffContact


class RecipientNotYetKnown(Exception):
    """The registry's event is still on its way: the consumer retries with back-off, then dead-letters."""


def staff_recipient(contact: StaffContact | None, staff_id: str, robot: str | None) -> Recipient:
    if contact is None or not contact.active:
        return Recipient("staff", staff_id, known=False)
    return Recipient("staff", staff_id, name=contact.name, phone=contact.phone, email=contact.email,
                     wecom_userid=contact.wecom_userid, wecom_robot=robot)


async def staff(tx: Tx, staff_id: str, robot: str | None) -> Recipient:
    return staff_recipient(await kept.staff(tx, staff_id), staff_id, robot)


async def admins(tx: Tx, community: str, robot: str | None) -> list[Recipient]:
    return [staff_recipient(contact, contact.id, robot) for contact in await kept.active_admins(tx, community)]


async def resident(tx: Tx, resident_id: str) -> Recipient:
    contact = await kept.resident(tx, resident_id)
    if contact is None:
        raise RecipientNotYetKnown(resident_id)
    active = contact.status == "active"
    return Recipient("resident", resident_id, name=contact.name, phone=contact.phone if active else None,
                     sms_consent=bool(contact.sms_consent) and active)


async def preferences(db: Any, recipient_id: str, session: Any = None) -> Preferences:
    return preferences_from(await stored_preferences.get(db, recipient_id, session))


async def preferences_of(db: Any, recipient_ids: set[str], session: Any = None) -> dict[str, Preferences]:
    """Each recipient's preferences (the defaults for one who saved none), in one read."""
    stored = await stored_preferences.of_each(db, recipient_ids, session)
    return {recipient_id: preferences_from(stored.get(recipient_id)) for recipient_id in recipient_ids}


def preferences_from(stored: StoredPreferences | None) -> Preferences:
    if stored is None:
        return Preferences()
    quiet = stored.quiet_hours
    return Preferences(channels=tuple(stored.channels) if stored.channels is not None else None,
                       quiet_start=parse_hhmm(quiet.start) if quiet else None,
                       quiet_end=parse_hhmm(quiet.end) if quiet else None,
                       opt_outs=frozenset(stored.opt_outs))


async def community_settings(db: Any, community: str,
                             session: Any = None) -> tuple[dict[str, RuleOverride], str | None]:
    """A community's rule overrides and its WeCom group robot URL."""
    settings = await stored_settings.get(db, community, session)
    return settings.rules, settings.wecom_robot_url
