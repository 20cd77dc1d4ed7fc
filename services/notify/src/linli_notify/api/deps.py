from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from linli_notify.service_layer.context import Notify


def notify(request: Request) -> Notify:
    return request.app.state.notify


NotifyDep = Annotated[Notify, Depends(notify)]


def out(doc: dict) -> dict:
    """Storage `_id` → API `id`."""
    return {"id": doc["_id"], **{k: v for k, v in doc.items() if k != "_id"}}
