"""Inspect and replay the dead letters of one service: `linli.deadletter.<service>.<durable>` in DEADLETTER_<SERVICE>.

A dead letter is a whole event (phones, health, free text). A caller without pii:read sees its envelope
and identifiers only, with phones and ID numbers masked and everything else `***`; a caller with pii:read
sees it whole, and each such read is on the service's reveal trail (`via="dead_letters"`).
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Mapping
from urllib.parse import unquote

from fastapi import APIRouter, Path, Request
from nats.js.api import RawStreamMsg
from nats.js.errors import NotFoundError
from pydantic import BaseModel, ValidationError

from linli_shared.auth import CurrentPrincipal, Principal
from linli_shared.bus import Bus, dead_letter_stream
from linli_shared.consumer import DEAD_LETTER_PREFIX, ConsumerRunner
from linli_shared.errors import Problem, forbidden
from linli_shared.events import CloudEvent
from linli_shared.logging import get_logger
from linli_shared.pagination import DEFAULT_LIMIT, Cursor, Limit, Page
from linli_shared.privacy import mask_id_number, mask_phone, redact_text
from linli_shared.trail import record_reveal

log = get_logger()
_OPERATOR_ROLES = frozenset({"admin", "service"})
_DISTRICT_CODE_MAX = 6
_SEQ_MAX = 2**64 - 1  # JetStream numbers a stream's messages from 1, unsigned 64-bit; past that it cannot answer
Seq = Annotated[int, Path(ge=1, le=_SEQ_MAX, description="the dead letter's stream sequence")]
REVEALED_VIA = "dead_letters"
HIDDEN = "***"
# Whole subtrees hidden without pii:read, whatever identifiers they hold: special categories and free text.
_SENSITIVE = frozenset({"health", "disability", "special_care", "low_income", "low_income_monthly_cny",
                        "low_income_since", "retired_cadre", "family_and_health", "note", "notes", "needs",
                        "needs_found", "comment", "reason", "why", "ethnicity", "party_member"})


class DeadLetter(BaseModel):
    seq: int
    consumer: str
    event_id: str
    event_type: str
    original_subject: str
    error: str
    deliveries: int
    time: datetime
    event: dict[str, Any] | None  # None when the payload was not a CloudEvent


class ReplayResult(BaseModel):
    seq: int
    consumer: str
    event_id: str
    handled: bool  # False: the inbox showed it had been handled already; the dead letter is gone either way


async def list_dead_letters(bus: Bus, service: str, limit: int = 50, after_seq: int = 0) -> list[DeadLetter]:
    """The service's dead letters in stream order, starting after `after_seq`."""
    letters: list[DeadLetter] = []
    seq = after_seq + 1
    while len(letters) < limit:
        try:
            raw = await bus.js.get_msg(_stream(service), seq=seq, subject=_subjects(service), next=True)
        except NotFoundError:
            break
        letters.append(_dead_letter(raw))
        seq = raw.seq + 1
    return letters


async def get_dead_letter(bus: Bus, service: str, seq: int) -> DeadLetter:
    try:
        raw = await bus.js.get_msg(_stream(service), seq=seq) if seq > 0 else None
    except NotFoundError:
        raw = None
    if raw is None or not raw.subject.startswith(f"{DEAD_LETTER_PREFIX}.{service}."):
        raise Problem(404, "deadletter.not_found", f"no dead letter {seq} for {service}")
    return _dead_letter(raw)


async def replay_dead_letter(bus: Bus, runners: Mapping[str, ConsumerRunner], service: str,
                             seq: int) -> ReplayResult:
    """Run the event through its consumer again (the inbox makes that harmless); delete it once handled."""
    letter = await get_dead_letter(bus, service, seq)
    runner = runners.get(letter.consumer)
    if runner is None:
        raise _replay_failed(letter, f"this service has no running consumer {letter.consumer}")
    if letter.event is None:
        raise _replay_failed(letter, "the payload is not a CloudEvent; it cannot be replayed")
    try:
        handled = await runner.handle(CloudEvent.model_validate(letter.event))
    except Exception as exc:
        log.warning("deadletter.replay_failed", seq=seq, consumer=letter.consumer, event_id=letter.event_id,
                    error=f"{type(exc).__name__}: {exc}")
        raise _replay_failed(letter, f"{type(exc).__name__}: {exc}") from exc
    try:
        await bus.js.delete_msg(_stream(service), seq)
    except NotFoundError:
        pass  # a concurrent replay deleted it first
    log.info("deadletter.replayed", seq=seq, consumer=letter.consumer, event_id=letter.event_id,
             event_type=letter.event_type, handled=handled)
    return ReplayResult(seq=seq, consumer=letter.consumer, event_id=letter.event_id, handled=handled)


def masked_letter(letter: DeadLetter) -> DeadLetter:
    """What a caller without pii:read sees: enough to decide on a replay, no personal value."""
    event = letter.event and {**letter.event, "data": _masked(letter.event.get("data"))}
    return letter.model_copy(update={"event": event, "error": redact_text(letter.error)})


def _masked(value: Any, key: str = "") -> Any:
    """Identifiers kept, phones and ID numbers masked, everything else (and every sensitive subtree) `***`."""
    if key in _SENSITIVE:
        return HIDDEN
    if isinstance(value, dict):
        return {k: _masked(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(item, key) for item in value]
    if value is None or _is_identifier(key):
        return value
    if isinstance(value, str) and ("phone" in key or "mobile" in key):
        return mask_phone(value)
    if isinstance(value, str) and "id_number" in key:
        return mask_id_number(value)
    return HIDDEN


def _is_identifier(key: str) -> bool:
    return key in {"id", "code", "community", "parent", "revision"} or key.endswith(("_id", "_ids", "_code"))


async def shown_to(principal: Principal, db: Any, letters: list[DeadLetter]) -> list[DeadLetter]:
    """Masked for a caller without pii:read; whole for one with it, and that read goes on the reveal trail."""
    if not principal.can_read_pii:
        return [masked_letter(letter) for letter in letters]
    events = [letter.event for letter in letters if letter.event]
    for community in sorted({event.get("community") or "" for event in events}):
        revealed = [event for event in events if (event.get("community") or "") == community]
        fields = sorted({key for event in revealed for key in (event.get("data") or {})})
        await record_reveal(db, principal, via=REVEALED_VIA, community=community or None,
                            subject_ids=[event["subject"] for event in revealed], fields=fields)
    return letters


def dead_letter_router() -> APIRouter:
    """`GET /v1/admin/dead-letters[/{seq}]` and `POST /v1/admin/dead-letters/{seq}/replay`, for district operators."""
    router = APIRouter(prefix="/v1/admin/dead-letters", tags=["operations"])

    @router.get("")
    async def list_letters(request: Request, principal: CurrentPrincipal, limit: Limit = DEFAULT_LIMIT,
                           cursor: Cursor = None) -> Page[DeadLetter]:
        _authorize(principal)
        runtime = request.app.state.runtime
        letters = await list_dead_letters(_bus(runtime), runtime.service, limit, _after(cursor))
        visible = [letter for letter in letters if _visible(principal, letter)]
        return Page(items=await shown_to(principal, runtime.db, visible),
                    next_cursor=str(letters[-1].seq) if len(letters) == limit else None)

    @router.get("/{seq}")
    async def get_letter(seq: Seq, request: Request, principal: CurrentPrincipal) -> DeadLetter:
        _authorize(principal)
        runtime = request.app.state.runtime
        letter = await get_dead_letter(_bus(runtime), runtime.service, seq)
        if not _visible(principal, letter):
            raise forbidden(f"dead letter {seq} belongs to an org outside this token's scope", "auth.scope")
        return (await shown_to(principal, runtime.db, [letter]))[0]

    @router.post("/{seq}/replay")
    async def replay(seq: Seq, request: Request, principal: CurrentPrincipal) -> ReplayResult:
        _authorize(principal)
        runtime = request.app.state.runtime
        bus = _bus(runtime)
        if not _visible(principal, await get_dead_letter(bus, runtime.service, seq)):
            raise forbidden(f"dead letter {seq} belongs to an org outside this token's scope", "auth.scope")
        runners = {runner.durable: runner for runner in runtime.consumers}
        return await replay_dead_letter(bus, runners, runtime.service, seq)

    return router


def _authorize(principal: Principal) -> None:
    district = any(0 < len(code) <= _DISTRICT_CODE_MAX for code in principal.scope)
    if not principal.roles & _OPERATOR_ROLES or not district:
        raise forbidden("dead letters are for admin or service principals with a district-level scope", "auth.role")


def _visible(principal: Principal, letter: DeadLetter) -> bool:
    community = (letter.event or {}).get("community")
    return not community or principal.covers(community)


def _bus(runtime: Any) -> Bus:
    if runtime.bus is None:
        raise Problem(503, "deadletter.unavailable", "the bus is not connected yet")
    return runtime.bus


def _after(cursor: str | None) -> int:
    if not cursor:
        return 0
    if not re.fullmatch(r"[0-9]{1,20}", cursor) or int(cursor) > _SEQ_MAX:  # str.isdigit() takes "²", int() does not
        raise Problem(400, "cursor.invalid", "the cursor is not one this API returned")
    return int(cursor)


def _stream(service: str) -> str:
    return dead_letter_stream(service).name


def _subjects(service: str) -> str:
    return f"{DEAD_LETTER_PREFIX}.{service}.>"


def _dead_letter(raw: RawStreamMsg) -> DeadLetter:
    headers = raw.headers or {}
    try:
        event: dict[str, Any] | None = CloudEvent.model_validate_json(raw.data or b"").model_dump(mode="json")
    except ValidationError:
        event = None
    return DeadLetter(
        seq=raw.seq, consumer=headers.get("Linli-Consumer", ""), event_id=headers.get("Linli-Event-Id", ""),
        event_type=headers.get("Linli-Event-Type", ""), original_subject=headers.get("Linli-Original-Subject", ""),
        error=unquote(headers.get("Linli-Error", "")), deliveries=int(headers.get("Linli-Deliveries") or 0),
        time=raw.time, event=event)


def _replay_failed(letter: DeadLetter, detail: str) -> Problem:
    return Problem(409, "deadletter.replay_failed", f"dead letter {letter.seq} stays: {detail}")
