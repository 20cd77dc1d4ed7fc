"""The registry's closed vocabularies (the contract's enum values); the group rules' own come from shared."""
from __future__ import annotations

from typing import Literal

from linli_shared.domain.groups import EmploymentStatus, Gender  # noqa: F401  (re-exported)

IdType = Literal["id_card", "passport", "hk_macao_permit", "taiwan_permit", "foreign_permanent", "other"]
Relation = Literal["head", "spouse", "child", "parent", "grandchild", "sibling", "other"]
ResidenceType = Literal["registered", "resident_nonlocal", "temporary"]  # 户籍 / 常住非户籍 / 暂住
Health = Literal["good", "fair", "poor", "bedridden"]
DisabilityCategory = Literal["visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"]
ResidentStatus = Literal["active", "moved_out", "deceased"]
BirthdayCalendar = Literal["solar", "lunar"]  # 公历 / 农历
Housing = Literal["owned", "rented", "public"]
StaffRole = Literal["worker", "admin", "officer"]
# 重点监护对象
SpecialCare = Literal["blind_mute", "dementia", "mental_illness", "severe_illness", "elderly_without_family",
                      "drug_user", "released_prisoner", "community_corrections", "hiv", "wandering_begging"]
