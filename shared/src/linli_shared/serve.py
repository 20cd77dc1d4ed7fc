"""Run a service under uvicorn with JSON logs; SIGTERM/SIGINT stop taking work, then drain."""
from __future__ import annotations

from typing import Callable

import uvicorn
from fastapi import FastAPI

from linli_shared.logging import configure_logging
from linli_shared.settings import ServiceSettings
from linli_shared.tracing import configure_tracing


def serve(create_app: Callable[[ServiceSettings], FastAPI], settings: ServiceSettings) -> None:
    configure_logging(settings.service_name, settings.log_level)
    configure_tracing(settings.service_name)
    app = create_app(settings)
    # uvicorn handles the signals: it stops accepting, finishes in-flight requests, then runs our
    # lifespan shutdown (consumers ack or release, relay stops, NATS drains).
    # httptools and uvloop (dependencies of linli-shared, picked by uvicorn's "auto") instead of h11 and asyncio's
    # own loop: a fifth less of the registry's CPU per read (bench/registry_latency.py, issue 21).
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, access_log=False,
                timeout_graceful_shutdown=20)
