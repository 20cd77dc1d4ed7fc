"""Report periods: a month, a quarter, a year, or one as-of day; each gives (start, end, as_of)."""
from __future__ import annotations

import calendar
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError


class Period(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["month", "quarter", "year", "as_of"]
    year: int | None = None
    number: int | None = None
    as_of: date | None = None

    @model_validator(mode="after")
    def _complete(self) -> Period:
        if self.kind == "as_of":
            if self.as_of is None:
                raise PydanticCustomError("period.as_of.missing", "an as_of period needs as_of")
            return self
        if self.year is None or not 1900 <= self.year <= 2200:
            raise PydanticCustomError("period.year.invalid", "a year between 1900 and 2200 is required")
        top = {"month": 12, "quarter": 4, "year": None}[self.kind]
        if top is None and self.number is not None:
            raise PydanticCustomError("period.number.not_allowed", "a year period takes no number")
        if top is not None and (self.number is None or not 1 <= self.number <= top):
            raise PydanticCustomError("period.number.invalid", f"a {self.kind} number is 1..{top}")
        return self

    def bounds(self) -> tuple[date, date, date]:
        """(start, end, as_of), inclusive; group counts are taken on as_of, the period's last day."""
        if self.kind == "as_of":
            assert self.as_of is not None
            return self.as_of, self.as_of, self.as_of
        assert self.year is not None
        if self.kind == "year":
            first, last = 1, 12
        elif self.kind == "quarter":
            assert self.number is not None
            first = 3 * self.number - 2
            last = first + 2
        else:
            assert self.number is not None
            first = last = self.number
        end = date(self.year, last, calendar.monthrange(self.year, last)[1])
        return date(self.year, first, 1), end, end

    def label(self) -> str:
        if self.kind == "as_of":
            return f"截至{self.as_of:%Y年%m月%d日}"
        return {"year": f"{self.year}年", "quarter": f"{self.year}年第{self.number}季度",
                "month": f"{self.year}年{self.number}月"}[self.kind]
