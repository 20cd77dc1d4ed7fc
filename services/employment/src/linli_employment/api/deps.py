from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from linli_employment.service_layer.context import Employment


def employment(request: Request) -> Employment:
    return request.app.state.employment


EmploymentDep = Annotated[Employment, Depends(employment)]

