from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from linli_visits.service_layer.context import Visits


async def visits(request: Request) -> Visits:
    # async though it awaits nothing: FastAPI would run a plain `def` in a worker thread on every request
    return request.app.state.visits


VisitsDep = Annotated[Visits, Depends(visits)]
