from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from linli_reports.service_layer.context import Reports


def reports(request: Request) -> Reports:
    return request.app.state.reports


ReportsDep = Annotated[Reports, Depends(reports)]


def out(doc: dict) -> dict:
    """Storage `_id` → API `id`."""
    return {"id": doc["_id"], **{k: v for k, v in doc.items() if k != "_id"}}
