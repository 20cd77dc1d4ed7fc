"""Addresses as logs, events and the API show them: enough to recognise, never the whole phone."""
from __future__ import annotations

from urllib.parse import urlsplit

from linli_shared.privacy import mask_phone


def mask_address(channel: str, address: str | None) -> str | None:
    if not address:
        return None
    if channel == "sms":
        return mask_phone(address)
    if channel == "email":
        user, _, domain = address.partition("@")
        return f"{user[:1]}***@{domain}"
    if channel in ("wecom", "webhook"):
        parts = urlsplit(address)
        return f"{parts.scheme}://{parts.netloc}{parts.path}"  # the query may hold a robot's key
    return address
