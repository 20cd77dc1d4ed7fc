from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from linli_employment.service_layer.context import Employment


def employment(request: Request) -> Employment:
    return request.app.state.employment


EmploymentDep = Annotated[Employment, Depends(employment)]


def out(doc: dict) -> dict:
    """Storage `_id` → API `id`."""
    return {"id": doc["_id"], **{k: v for k, v in doc.items() if k != "_id"}}
