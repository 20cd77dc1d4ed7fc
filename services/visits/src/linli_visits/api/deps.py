from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from linli_visits.service_layer.context import Visits


def visits(request: Request) -> Visits:
    return request.app.state.visits


VisitsDep = Annotated[Visits, Depends(visits)]
