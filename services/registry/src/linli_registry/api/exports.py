"""The ledger export route: the listing's filters, answered as an XLSX file."""
from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from linli_shared.auth import CurrentPrincipal
from linli_shared.openapi import download_responses
from linli_shared.orgs import OrgCode

from linli_registry.api.deps import ContextDep
from linli_registry.domain.vocabulary import ResidentStatus
from linli_registry.service_layer import exports
from linli_registry.service_layer.resident_filters import ResidentFilter

router = APIRouter(prefix="/v1", tags=["residents"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/communities/{code}/residents.xlsx", response_class=FileResponse,
            responses=download_responses("the ledger (台账) as XLSX", XLSX))
async def export_residents(
    code: OrgCode, ctx: ContextDep, principal: CurrentPrincipal,
    group: Annotated[list[str], Query(description="derived groups, all must hold, e.g. elderly_80")] = [],  # noqa: B006
    status: ResidentStatus | None = None, household_id: str | None = None,
    grid: Annotated[str | None, Query(description="grid code, e.g. 130303001001-03")] = None,
    as_of: date | None = None,
) -> FileResponse:
    folder = tempfile.mkdtemp(prefix="linli-export-")
    path = Path(folder) / "ledger.xlsx"
    try:
        f = ResidentFilter(groups=tuple(group), status=status, household_id=household_id, grid=grid, as_of=as_of)
        await exports.export_ledger(ctx, principal, code, f, path)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    day = (as_of or ctx.today()).isoformat()
    return FileResponse(path, media_type=XLSX, filename=f"台账_{code}_{day}.xlsx",
                        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))
