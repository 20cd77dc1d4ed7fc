import io

import pytest
from openpyxl import load_workbook

from linli_reports.domain.indicators import Template, TemplateError, TemplateIn, validate_template
from linli_reports.service_layer.xlsx import report_xlsx


def _template(*indicators: dict) -> TemplateIn:
    return TemplateIn.model_validate({"name": "表", "indicators": list(indicators)})


GOOD = {"key": "elderly_80", "label": "80岁以上", "source": "registry_group", "group": "elderly_80"}


@pytest.mark.parametrize("indicator, code", [
    ({**GOOD, "group": "aliens"}, "template.indicator.unknown_group"),
    ({**GOOD, "filters": {"min_age": 80, "max_age": 60}}, "template.filter.age_range_inverted"),
    ({**GOOD, "group": "empty_nest_households", "filters": {"gender": "female"}}, "template.filter.not_for_households"),
    ({"key": "v", "label": "走访", "source": "visits", "metric": "visits.teleport"},
     "template.indicator.unknown_metric"),
    ({"key": "v", "label": "走访", "source": "visits"}, "template.indicator.unknown_metric"),
    ({"key": "v", "label": "走访", "source": "visits", "metric": "visits.count", "reason": "tea"},
     "template.indicator.unknown_reason"),
    ({"key": "e", "label": "就业", "source": "employment", "metric": "employment.sold"},
     "template.indicator.unknown_metric"),
    ({"key": "m", "label": "说明", "source": "manual", "group": "elderly_60"}, "template.indicator.group_not_allowed"),
])
def test_impossible_indicators_have_specific_codes(indicator, code):
    with pytest.raises(TemplateError) as caught:
        validate_template(_template(indicator))
    assert caught.value.code == code


def test_duplicate_keys_are_refused():
    with pytest.raises(TemplateError) as caught:
        validate_template(_template(GOOD, {**GOOD, "label": "again"}))
    assert caught.value.code == "template.indicator.duplicate_key"
    assert caught.value.loc == ["body", "indicators", 1, "key"]


def test_a_full_template_is_valid():
    full = _template(
        GOOD, {"key": "grid_women", "label": "一网格妇女", "source": "registry_group", "group": "residents",
               "filters": {"grid": "G1", "gender": "female", "min_age": 18, "max_age": 60}},
        {"key": "nest", "label": "空巢户", "source": "registry_group", "group": "empty_nest_households",
         "filters": {"grid": "G1"}},
        {"key": "aid", "label": "慰问金", "source": "visits", "metric": "visits.aid_total_cny", "reason": "festival"},
        {"key": "placed", "label": "4050就业", "source": "employment", "metric": "employment.placed_4050"},
        {"key": "notes", "label": "说明", "source": "manual"})
    validate_template(full)
    template = Template(key="full", org_code="130303", version=1, **full.model_dump())  # validated again as saved
    report = {"community_name": "工农里社区", "period_label": "2026年6月", "as_of": "2026-06-30", "status": "draft",
              "values": {"elderly_80": 36, "grid_women": 12, "nest": 4, "aid": 1500.0, "placed": 2},
              "manual": {"notes": "无"}}
    sheet = load_workbook(io.BytesIO(report_xlsx(template, report))).active
    rows = [row[:2] for row in sheet.iter_rows(min_row=6, values_only=True)]
    assert rows == [("80岁以上", 36), ("一网格妇女", 12), ("空巢户", 4), ("慰问金", 1500), ("4050就业", 2),
                    ("说明", "无")]
