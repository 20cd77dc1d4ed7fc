"""The employment service's words (就业): job categories, hours, statuses, priority groups."""
from __future__ import annotations

from typing import Literal

JobCategory = Literal[
    "domestic_help", "catering", "cleaning", "security", "retail", "logistics", "manufacturing",
    "electrician", "plumber", "hairdressing", "data_entry", "elder_care", "handicraft", "other",
]
Gender = Literal["male", "female"]
Hours = Literal["full_time", "part_time", "flexible"]
CertificateStatus = Literal["none", "applied", "issued"]  # 再就业优惠证 / 就业失业登记证
PriorityGroup = Literal["hard_to_employ_4050", "zero_employment_family", "disabled", "youth"]
SeekerStatus = Literal["intent_pending", "active", "placed", "inactive"]
ReferralOutcome = Literal["interviewed", "hired", "rejected", "declined", "no_show"]
ReferralStatus = Literal["referred", "interviewed", "hired", "rejected", "declined", "no_show"]
JobStatus = Literal["open", "filled", "closed"]
Cohort = Literal["unemployed", "employed", "youth"]  # training cohorts the seeds report (476 / 352 / 513)

# Matching reasons are read by committee workers, so they quote these labels.
CATEGORY_LABELS: dict[JobCategory, str] = {
    "domestic_help": "家政/保姆",
    "catering": "餐饮",
    "cleaning": "保洁",
    "security": "保安",
    "retail": "零售",
    "logistics": "物流",
    "manufacturing": "制造",
    "electrician": "电工",
    "plumber": "水暖工",
    "hairdressing": "美发",
    "data_entry": "数据录入",
    "elder_care": "养老护理",
    "handicraft": "手工",
    "other": "其他",
}
HOURS_LABELS: dict[Hours, str] = {"full_time": "全职", "part_time": "兼职", "flexible": "灵活时间"}
PRIORITY_GROUP_LABELS: dict[PriorityGroup, str] = {
    "hard_to_employ_4050": "4050人员",
    "zero_employment_family": "零就业家庭",
    "disabled": "残疾人",
    "youth": "待业青年",
}
