"""FastAPI dependencies: the registry's use-case context, built by the composition root."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from linli_registry.service_layer.context import RegistryContext


async def context(request: Request) -> RegistryContext:
    # async, though it awaits nothing: FastAPI runs a plain `def` dependency in a worker thread, a thread hop
    # (about a tenth of the registry's CPU per request) for one attribute read.
    return request.app.state.registry


ContextDep = Annotated[RegistryContext, Depends(context)]
