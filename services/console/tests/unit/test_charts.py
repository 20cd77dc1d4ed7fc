import xml.etree.ElementTree as ET

from linli_console.charts import bar_chart, coverage_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_a_hostile_label_stays_text_and_the_svg_stays_well_formed():
    svg = bar_chart("c", '"><script>alert(1)</script>', "d", [('"><img src=x onerror=alert(1)>', 3)])
    assert "<script>" not in svg and "<img" not in svg
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == '"><script>alert(1)</script>'
    assert '"><img src=x onerror=alert(1)>' in texts(svg)


def test_a_bar_chart_writes_every_value_and_names_itself():
    svg = bar_chart("ages", "年龄结构", "各年龄段人数", [("60岁以上", 412), ("80岁以上", 57), ("空", 0)])
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "ages-t ages-d"
    assert root.find(f"{SVG}desc").text == "各年龄段人数"
    assert {"60岁以上", "412", "80岁以上", "57", "0"} <= set(texts(svg))


def test_coverage_below_target_is_said_in_words_not_only_colour():
    svg = coverage_chart("cov", "走访覆盖", "d", [("高龄", 0.82, 0.9), ("独居", 1.0, 0.9)], "达标", "未达标")
    assert "82% / 90% 未达标" in texts(svg)
    assert "100% / 90% 达标" in texts(svg)


def test_a_line_chart_labels_each_month_and_its_value():
    svg = line_chart("m", "每月走访", "d", [("1月", 10), ("2月", 14), ("3月", 0)])
    assert ["10", "1月", "14", "2月", "0", "3月"] == texts(svg)
    assert ET.fromstring(svg).find(f"{SVG}polyline") is not None


def test_empty_charts_are_still_valid_svg():
    for svg in (bar_chart("a", "t", "d", []), line_chart("b", "t", "d", []), coverage_chart("c", "t", "d", [], "", "")):
        assert ET.fromstring(svg).find(f"{SVG}title").text == "t"
