"""FastAPI dependencies: the registry's use-case context, reached through the app state."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from linli_registry.service_layer.context import Registry


def registry(request: Request) -> Registry:
    return request.app.state.registry


RegistryDep = Annotated[Registry, Depends(registry)]
