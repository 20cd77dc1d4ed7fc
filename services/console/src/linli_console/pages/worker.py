"""A worker's day: today's and overdue visit tasks, recording a visit from a task, and the inbox."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from linli_console.backend import BackendDep
from linli_console.session import CurrentUser
from linli_console.templating import render

router = APIRouter()


@router.get("/")
async def today(request: Request, user: CurrentUser, api: BackendDep) -> Response:
    return render(request, "worker/today.html", {"user": user, "tasks": []})
