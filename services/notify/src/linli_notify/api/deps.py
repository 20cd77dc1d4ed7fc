from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from linli_notify.service_layer.context import Notify


async def notify(request: Request) -> Notify:
    # async though it awaits nothing: FastAPI would run a plain `def` in a worker thread on every request
    return request.app.state.notify


NotifyDep = Annotated[Notify, Depends(notify)]
