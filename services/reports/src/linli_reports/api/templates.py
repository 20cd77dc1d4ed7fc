"""Report templates, defined by a district or a street for everything beneath it."""
from __future__ import annotations

from fastapi import APIRouter, Response

from linli_shared.auth import CurrentPrincipal
from linli_shared.etag import ExpectedVersion, etag
from linli_shared.orgs import OrgCode

from linli_reports.api.deps import ReportsDep
from linli_reports.api.schemas import TemplateOut
from linli_reports.domain.indicators import TemplateIn
from linli_reports.service_layer import templates
from linli_reports.storage.templates import SavedTemplate

router = APIRouter(prefix="/v1", tags=["report templates"])


def _out(template: SavedTemplate) -> TemplateOut:
    return TemplateOut.model_validate(template, from_attributes=True)


@router.put("/orgs/{code}/report-templates/{key}", response_model=TemplateOut)
async def save_template(code: OrgCode, key: str, body: TemplateIn, ctx: ReportsDep, principal: CurrentPrincipal,
                        response: Response, expected: ExpectedVersion) -> TemplateOut:
    saved = await templates.save_template(ctx, principal, code, key, body, expected)
    response.headers["ETag"] = etag(saved.version)
    return _out(saved)


@router.get("/orgs/{code}/report-templates", response_model=list[TemplateOut])
async def list_templates(code: OrgCode, ctx: ReportsDep, principal: CurrentPrincipal) -> list[TemplateOut]:
    return [_out(d) for d in await templates.list_templates(ctx, principal, code)]
