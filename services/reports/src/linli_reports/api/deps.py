from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from linli_reports.service_layer.context import Reports


async def reports(request: Request) -> Reports:
    # async though it awaits nothing: FastAPI would run a plain `def` in a worker thread on every request
    return request.app.state.reports


ReportsDep = Annotated[Reports, Depends(reports)]
