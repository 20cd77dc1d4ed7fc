"""FastAPI dependencies: the registry's use-case context, built by the composition root."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from linli_registry.service_layer.context import RegistryContext


def context(request: Request) -> RegistryContext:
    return request.app.state.registry


ContextDep = Annotated[RegistryContext, Depends(context)]
