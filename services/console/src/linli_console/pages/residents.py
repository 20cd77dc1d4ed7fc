"""Finding a resident, their card, a deliberate reveal, and recording a life event."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
