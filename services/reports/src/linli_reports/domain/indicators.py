"""Report templates: named, versioned lists of indicators, validated when saved."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from linli_shared.domain.groups import GROUPS, HOUSEHOLD_GROUPS

Source = Literal["registry_group", "visits", "employment", "manual"]
VISIT_METRICS = ("visits.count", "visits.met", "visits.residents", "visits.aid_total_cny")
EMPLOYMENT_METRICS = ("employment.referrals", "employment.referrals_4050", "employment.placed",
                      "employment.placed_4050")
VISIT_REASONS = ("routine", "hospitalized", "major_event", "special_situation", "festival", "birthday", "follow_up")


class TemplateError(ValueError):
    """A template that cannot be computed; `code` is the stable problem code."""

    def __init__(self, code: str, message: str, loc: list[str | int]) -> None:
        super().__init__(message)
        self.code, self.message, self.loc = code, message, loc


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Filters(_Model):
    grid: str | None = Field(None, max_length=40)
    residence_type: Literal["registered", "resident_nonlocal", "temporary"] | None = None
    gender: Literal["male", "female"] | None = None
    min_age: int | None = Field(None, ge=0, le=150)
    max_age: int | None = Field(None, ge=0, le=150)

    @property
    def person_filters(self) -> bool:
        return any(v is not None for v in (self.residence_type, self.gender, self.min_age, self.max_age))


class Indicator(_Model):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    label: str = Field(min_length=1, max_length=200)
    source: Source
    group: str | None = Field(None, max_length=40)
    filters: Filters = Filters()
    metric: str | None = Field(None, max_length=40)
    reason: str | None = Field(None, max_length=40)


class TemplateIn(_Model):
    name: str = Field(min_length=1, max_length=200)
    indicators: list[Indicator] = Field(min_length=1, max_length=300)


def validate_template(template: TemplateIn) -> None:
    """Raise TemplateError for the first impossible indicator (a 422 with a specific code)."""
    seen: set[str] = set()
    for i, ind in enumerate(template.indicators):
        loc: list[str | int] = ["body", "indicators", i]
        if ind.key in seen:
            raise TemplateError("template.indicator.duplicate_key", f"indicator key {ind.key!r} appears twice",
                                [*loc, "key"])
        seen.add(ind.key)
        f = ind.filters
        if f.min_age is not None and f.max_age is not None and f.min_age > f.max_age:
            raise TemplateError("template.filter.age_range_inverted",
                                f"{ind.key}: min_age {f.min_age} is above max_age {f.max_age}", [*loc, "filters"])
        _check_source(ind, loc)


def _check_source(ind: Indicator, loc: list[str | int]) -> None:
    def fail(code: str, message: str, field: str) -> None:
        raise TemplateError(code, f"{ind.key}: {message}", [*loc, field])

    if ind.source == "registry_group":
        if ind.group not in GROUPS:
            fail("template.indicator.unknown_group", f"unknown group {ind.group!r}; known: {', '.join(GROUPS)}",
                 "group")
        if ind.group in HOUSEHOLD_GROUPS and ind.filters.person_filters:
            fail("template.filter.not_for_households", f"{ind.group} counts households: only the grid filter applies",
                 "filters")
    elif ind.group is not None:
        fail("template.indicator.group_not_allowed", f"a group only applies to registry_group, not {ind.source}",
             "group")
    if ind.source == "visits" and ind.metric not in VISIT_METRICS:
        fail("template.indicator.unknown_metric", f"unknown metric {ind.metric!r}; known: {', '.join(VISIT_METRICS)}",
             "metric")
    if ind.source == "employment" and ind.metric not in EMPLOYMENT_METRICS:
        fail("template.indicator.unknown_metric",
             f"unknown metric {ind.metric!r}; known: {', '.join(EMPLOYMENT_METRICS)}", "metric")
    if ind.source in ("registry_group", "manual") and ind.metric is not None:
        fail("template.indicator.metric_not_allowed", f"{ind.source} takes no metric", "metric")
    if ind.reason is not None and (ind.source != "visits" or ind.reason not in VISIT_REASONS):
        fail("template.indicator.unknown_reason", f"reason {ind.reason!r} applies only to visits, one of "
             f"{', '.join(VISIT_REASONS)}", "reason")
    if ind.source in ("employment", "manual") and ind.filters != Filters():
        fail("template.filter.not_applicable", f"{ind.source} indicators take no filters", "filters")


class Template(TemplateIn):
    key: str
    org_code: str
    version: int

    @model_validator(mode="after")
    def _valid(self) -> Template:
        validate_template(self)
        return self
