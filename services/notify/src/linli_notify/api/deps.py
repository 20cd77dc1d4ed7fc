from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from linli_notify.service_layer.context import Notify


def notify(request: Request) -> Notify:
    return request.app.state.notify


NotifyDep = Annotated[Notify, Depends(notify)]
