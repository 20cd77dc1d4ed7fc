from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from linli_reports.service_layer.context import Reports


def reports(request: Request) -> Reports:
    return request.app.state.reports


ReportsDep = Annotated[Reports, Depends(reports)]
