from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from linli_employment.service_layer.context import Employment


async def employment(request: Request) -> Employment:
    # async though it awaits nothing: FastAPI would run a plain `def` in a worker thread on every request
    return request.app.state.employment


EmploymentDep = Annotated[Employment, Depends(employment)]

