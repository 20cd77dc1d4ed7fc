"""Webhook signatures: HMAC-SHA256 over "<unix time>.<body>", so a receiver can reject tampering and replays."""
from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Linli-Signature"
EVENT_ID_HEADER = "X-Linli-Event-Id"
DELIVERY_ID_HEADER = "X-Linli-Delivery-Id"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance_seconds: int = 300) -> bool:
    """What a receiver runs: the MAC matches and the timestamp is recent (replays of old requests fail)."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance_seconds:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
