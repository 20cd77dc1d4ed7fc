"""Real peers on loopback: an SMTP server (aiosmtpd), and one HTTP app playing SMS gateways, a WeCom group robot
and webhook receivers, each answering as it is told (ok, 500, an error body, a hang) and recording what it received."""
from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable

import uvicorn
from aiosmtpd.controller import Controller
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from linli_devtools.servers import free_port

from linli_notify.domain.signing import EVENT_ID_HEADER, SIGNATURE_HEADER, verify

HOOK_SECRET = "receiver-shared-secret-0123456789"


class Mailbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


class Peers:
    def __init__(self, now: Callable[[], int]) -> None:
        self.now = now  # the receiver's clock: the test's, so signatures from a moved clock are fresh
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.script: dict[str, list[str]] = defaultdict(list)  # path → answers to give, in order; then "ok"
        self.received: dict[str, list[dict]] = defaultdict(list)
        self.rejected: list[str] = []
        self.app = self._app()

    def answer(self, path: str, *answers: str) -> None:
        self.script[path] = list(answers)

    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/cgi-bin/webhook/send")
        async def wecom_robot(request: Request, key: str = ""):
            """A WeCom group robot: JSON in, `{"errcode": 0}` out, or the errcode told by `answer("robot", ...)`."""
            self.received["robot"].append({"key": key, "json": await request.json()})
            errcode = int(self.script["robot"].pop(0)) if self.script["robot"] else 0
            return JSONResponse({"errcode": errcode, "errmsg": "ok" if errcode == 0 else "robot says no"})

        @app.post("/{path:path}")
        async def receive(path: str, request: Request):
            body = await request.body()
            if path.startswith("hook") and not verify(HOOK_SECRET, request.headers.get(SIGNATURE_HEADER, ""),
                                                      body, self.now()):
                self.rejected.append(request.headers.get(EVENT_ID_HEADER, ""))
                return JSONResponse({"error": "bad signature"}, status_code=401)
            answer = self.script[path].pop(0) if self.script[path] else "ok"
            if answer == "hang":
                await asyncio.sleep(5)  # far past the sender's 1 s timeout
            self.received[path].append({"body": body.decode(), "headers": dict(request.headers), "answer": answer})
            if answer == "500":
                return JSONResponse({"error": "boom"}, status_code=500)
            if answer.startswith("code:"):  # 200 with an error body
                return JSONResponse({"code": answer[5:], "message": "gateway says no"})
            return JSONResponse({"code": "OK", "errcode": 0})

        return app


async def start_http(peers: Peers) -> tuple[uvicorn.Server, asyncio.Task]:
    server = uvicorn.Server(uvicorn.Config(peers.app, host="127.0.0.1", port=peers.port, log_level="warning",
                                           timeout_graceful_shutdown=1,
                                           lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    return server, task


def start_smtp() -> tuple[Controller, Mailbox]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, mailbox
