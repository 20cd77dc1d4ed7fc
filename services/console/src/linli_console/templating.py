"""Jinja2 with autoescape on, the strings and date helpers as globals, and one `render` for every page."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from starlette.responses import HTMLResponse

from linli_console import dates, strings

# Autoescape on for every template, whatever its file name: a value from data is always text.
TEMPLATES = Jinja2Templates(env=Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                                            autoescape=True))
TEMPLATES.env.globals.update(t=strings.t, label=strings.label, long_date=dates.long_date,
                             short_date=dates.short_date, date_time=dates.date_time, window=dates.window)


def render(request: Request, template: str, context: dict[str, Any] | None = None,
           status_code: int = 200) -> HTMLResponse:
    """A page; `user` is the signed-in user when the page has one (the header shows them)."""
    ctx = {"user": None, "problem": None, "errors": {}, "values": {}, "notice": None, **(context or {})}
    ctx["csrf"] = request.state.session.csrf
    return TEMPLATES.TemplateResponse(request, template, ctx, status_code=status_code)
