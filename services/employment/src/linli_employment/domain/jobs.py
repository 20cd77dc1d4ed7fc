"""An employer's and a job posting's fields, declared once: the store keeps them (storage/) and the API shows
them (api/schemas.py), each adding only what is its own."""
from __future__ import annotations

from pydantic import BaseModel

from linli_employment.domain.matching import Requirement


class EmployerFields(BaseModel):
    id: str
    name: str
    kind: str
    community_code: str
    contact_name: str | None = None
    phone: str | None = None


class JobFields(BaseModel):
    id: str
    employer_id: str
    employer_name: str
    community_code: str
    title: str
    category: str
    headcount: int
    hires: int
    wage_min_cny: float
    wage_max_cny: float
    hours: str
    skills_required: list[str]
    skills_preferred: list[str]
    certificates_required: list[str]
    requirement: Requirement
    guarantor_needed: bool
    suits_4050: bool
    suits_disabled: bool
    description: str | None = None
    status: str
    version: int
