"""Stored templates validate and render in worker processes, off the event loop and bounded in time and memory.

A template is code an admin wrote. The sandbox (domain/templates.py) refuses the one-step bombs and caps the
output, but nested loops can still run for ever, and a thread cannot be stopped: a render that outlives its
timeout has its worker process killed and replaced, so it never holds a core or the loop. A template that
timed out is remembered, and later renders of it fail at once instead of costing a timeout each.
The built-in defaults are code we ship: they render in place, without the round trip.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import sys
from collections.abc import Mapping
from typing import Any

from linli_shared.logging import get_logger

from linli_notify.domain.templates import Template, TemplateProblem, render

log = get_logger()
_REMEMBERED = 1000  # costly templates kept in mind; past that the memory starts again
_LINE_LIMIT = 2 ** 20  # an answer is one JSON line: a rendered message is far below this


class _Worker:
    """One `render_worker` process: its own interpreter (no fork of this one, no re-import of __main__)."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls, memory_bytes: int) -> _Worker:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "linli_notify.service_layer.render_worker", str(memory_bytes),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=_LINE_LIMIT)
        return cls(process)

    async def ask(self, request: dict[str, Any] | None, timeout: float | None) -> dict[str, Any]:
        """Send one request (None: just read, e.g. the ready line) and wait for its answer; TimeoutError past it."""
        if request is not None:
            self.process.stdin.write(json.dumps(request, ensure_ascii=False, default=str).encode() + b"\n")
            await self.process.stdin.drain()
        line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        if not line:  # it died (out of memory outside Python's reach, or killed)
            return {"problem": ["template.too_costly", "the renderer stopped while rendering this template"]}
        return json.loads(line)

    @property
    def alive(self) -> bool:
        return self.process.returncode is None

    def kill(self) -> None:
        if self.alive:
            self.process.kill()


class Renderer:
    def __init__(self, workers: int = 2, timeout_seconds: float = 0.5, memory_mb: int = 512,
                 start_timeout_seconds: float = 60.0) -> None:
        self.size, self.timeout, self.memory = workers, timeout_seconds, memory_mb * 2 ** 20
        self.start_timeout = start_timeout_seconds
        self.idle: asyncio.Queue[_Worker] | None = None  # started on first use: most deployments never customise
        self.all: set[_Worker] = set()
        self.costly: dict[str, str] = {}  # sources that timed out → why
        self.starting: set[asyncio.Task] = set()

    async def validate(self, key: str, body: str, subject: str | None) -> Template:
        known = self._known_costly(body, subject)
        if known:
            raise TemplateProblem("template.too_costly", known)
        key, body, subject = await self._run({"op": "validate", "key": key, "body": body, "subject": subject})
        return Template(key, body, subject)

    async def render(self, template: Template, variables: Mapping[str, Any]) -> tuple[str | None, str]:
        if template.org_code is None:
            return render(template, variables)
        known = self._known_costly(template.body, template.subject)
        if known:
            raise TemplateProblem("template.too_costly", known)
        subject, body = await self._run({"op": "render", "key": template.key, "body": template.body,
                                         "subject": template.subject, "variables": dict(variables)})
        return subject, body

    async def _run(self, request: dict[str, Any]) -> Any:
        body, subject = request["body"], request["subject"]
        worker = await self._take()
        try:
            answer = await worker.ask(request, self.timeout)
        except TimeoutError:
            self._replace(worker)
            why = f"rendering took longer than {self.timeout:g} s"
            self._remember(body, subject, why)
            raise TemplateProblem("template.too_costly", why) from None
        except BaseException:  # cancelled mid-render: the worker's state is unknown, so it goes
            self._replace(worker)
            raise
        if worker.alive:
            self.idle.put_nowait(worker)
        else:  # it died under this template (out of memory past Python's reach): as costly as a timeout
            self._replace(worker)
            self._remember(body, subject, answer["problem"][1])
        if "problem" in answer:
            raise TemplateProblem(*answer["problem"])
        return answer["ok"]

    async def _take(self) -> _Worker:
        if self.idle is None:
            self.idle = asyncio.Queue()
            for _ in range(self.size):
                self._start()
        try:
            return await asyncio.wait_for(self.idle.get(), self.start_timeout)
        except TimeoutError:
            raise TemplateProblem("template.renderer_unavailable", "no template renderer is free; try again") \
                from None

    def _start(self) -> None:
        task = asyncio.create_task(self._started(), name="notify-renderer-start")
        self.starting.add(task)
        task.add_done_callback(self.starting.discard)

    async def _started(self) -> None:
        worker = await _Worker.start(self.memory)
        self.all.add(worker)
        try:
            await worker.ask(None, self.start_timeout)  # the ready line: imports take their time, not a render's
        except TimeoutError:
            log.error("notify.renderer_start_failed")
            self._replace(worker)
            return
        self.idle.put_nowait(worker)

    def _replace(self, worker: _Worker) -> None:
        self.all.discard(worker)
        worker.kill()
        self._start()

    def _remember(self, body: str, subject: str | None, why: str) -> None:
        if len(self.costly) >= _REMEMBERED:
            self.costly.clear()
        self.costly[_digest(body, subject)] = why

    def _known_costly(self, body: str, subject: str | None) -> str | None:
        return self.costly.get(_digest(body, subject))

    async def close(self) -> None:
        for task in list(self.starting):
            task.cancel()
        for worker in list(self.all):
            worker.kill()
        self.all.clear()


def _digest(body: str, subject: str | None) -> str:
    return hashlib.sha256(f"{body}\0{subject or ''}".encode()).hexdigest()
