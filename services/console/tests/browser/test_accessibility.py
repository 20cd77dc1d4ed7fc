"""Every key page, as the role that uses it, read the way assistive technology and a keyboard read it; dates as
people here write them; and an API's problem shown beside the field it concerns.

One audit (`AUDIT`, run in the page) checks each page: a name for every control, a text alternative for every
image and chart, lang and title, headings in order, text contrast of at least 4.5:1 (a field's edge 3:1), links
underlined, a visible focus outline, no two links or buttons named alike for different things, a word or mark on
every status, an error beside every refused field, no sideways scrolling, no English, and no date written as a
machine writes it.
"""
from __future__ import annotations

import io
import time
from datetime import date, timedelta

from openpyxl import Workbook

from linli_devtools.orgs import COMMUNITY, DISTRICT, STREET
from linli_devtools.people import born_years_ago, id_number

DATA = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>"]  # names from data, as conftest seeds them

AUDIT = """data => {
  const problems = [];
  const where = el => el.outerHTML.slice(0, 120);
  const visible = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const rgba = s => { const v = (s.match(/[\\d.]+/g) || []).map(Number); return v.length === 3 ? [...v, 1] : v; };
  const over = (top, under) => top.slice(0, 3).map((c, i) => c * top[3] + under[i] * (1 - top[3]));
  const background = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] === 1) break;
    }
    return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255]);
  };
  const luminance = rgb => { const [r, g, b] = rgb.map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const contrast = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05); };

  const root = document.documentElement;
  if (root.lang !== 'zh-CN') problems.push(`lang is "${root.lang}"`);
  if (root.scrollWidth > innerWidth + 1) problems.push(`scrolls sideways: ${root.scrollWidth} px in ${innerWidth}`);
  if (!document.title.trim()) problems.push('no title');

  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    const named = [...(el.labels || [])].some(l => l.textContent.trim()) || el.getAttribute('aria-label')
      || (el.getAttribute('aria-labelledby') || '').split(' ').some(id => document.getElementById(id));
    if (!named) problems.push(`control without a name: ${where(el)}`);
    if (el.getAttribute('aria-invalid') === 'true') {
      const said = (el.getAttribute('aria-describedby') || '').split(' ').map(id => document.getElementById(id))
        .filter(e => e && e.classList.contains('field-error'));
      if (!said.length) problems.push(`invalid field with no error beside it: ${where(el)}`);
    }
  }
  for (const el of document.querySelectorAll('a[href], button')) {
    if (!(el.textContent.trim() || el.getAttribute('aria-label'))) problems.push(`nameless: ${where(el)}`);
  }
  const purpose = new Map();  // a link's name tells where it goes: two names alike go to one place
  for (const a of document.querySelectorAll('a[href]')) {
    const name = (a.getAttribute('aria-label') || a.textContent).trim();
    if (purpose.has(name) && purpose.get(name) !== a.getAttribute('href')) problems.push(`links alike: ${name}`);
    purpose.set(name, a.getAttribute('href'));
  }
  const acts = new Map();  // likewise a button repeated down a list: its name says which one it acts on
  for (const b of document.querySelectorAll('form[method=post] button')) {
    const hidden = [...b.form.querySelectorAll('input[type=hidden]:not([name=csrf])')].map(i => i.name + '=' + i.value);
    const act = [b.form.getAttribute('action'), ...hidden].join(' ');
    const name = b.textContent.trim();
    if (acts.has(name) && acts.get(name) !== act) problems.push(`buttons alike: ${name}`);
    acts.set(name, act);
  }
  for (const img of document.querySelectorAll('img')) {
    if (!(img.getAttribute('alt') || '').trim()) problems.push(`image without alt: ${where(img)}`);
  }
  for (const svg of document.querySelectorAll('svg')) {
    const ids = (svg.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean);
    const text = svg.getAttribute('aria-label')
      || ids.map(id => document.getElementById(id)?.textContent || '').join('');
    if (svg.getAttribute('role') !== 'img' || !text.trim())
      problems.push(`chart without a text alternative: ${where(svg)}`);
  }

  const levels = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => Number(h.tagName[1]));
  if (levels[0] !== 1 || levels.filter(l => l === 1).length !== 1) problems.push(`not one h1 first: ${levels}`);
  levels.forEach((l, i) => { if (i && l > levels[i - 1] + 1) problems.push(`heading skips a level: ${levels}`); });

  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || seen.has(el) || el.closest('svg, option, title, desc') || !visible(el)) continue;
    seen.add(el);
    const ratio = contrast(rgba(getComputedStyle(el).color), background(el));
    if (ratio < 4.5)
      problems.push(`contrast ${ratio.toFixed(2)}: "${node.textContent.trim().slice(0, 30)}" ${where(el)}`);
  }

  const boxes = 'input:not([type=hidden]):not([type=radio]):not([type=checkbox]):not([type=file]), select, textarea';
  for (const el of document.querySelectorAll(boxes)) {
    const edge = contrast(rgba(getComputedStyle(el).borderTopColor), background(el.parentElement));
    if (visible(el) && edge < 3) problems.push(`a field's edge at ${edge.toFixed(2)}:1: ${where(el)}`);
  }
  for (const a of document.querySelectorAll('main a[href]:not(.button)')) {
    if (visible(a) && !getComputedStyle(a).textDecorationLine.includes('underline'))
      problems.push(`a link told apart by colour alone: ${where(a)}`);
  }
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    if (!visible(el)) continue;
    el.focus();
    if (document.activeElement !== el) continue;  // in a closed <details>: reached once it opens
    const s = getComputedStyle(el);
    if (s.outlineStyle === 'none' || parseFloat(s.outlineWidth) < 2) problems.push(`focus not visible: ${where(el)}`);
  }
  document.activeElement.blur();

  for (const el of document.querySelectorAll('.overdue, .problem, .field-error, .critical')) {
    if (!/[！!✓✗×]/.test(el.textContent) || !/[\\u4e00-\\u9fff]/.test(el.textContent))
      problems.push(`a status by colour alone: ${where(el)}`);
  }
  for (const el of document.querySelectorAll('.id-number')) {
    if (el.textContent.includes('*') && !/隐藏/.test(el.textContent))
      problems.push(`masked without saying so: ${where(el)}`);
  }

  const dated = 'input[name*=date], input[name=as_of], input[name=from], input[name=to]';
  for (const el of document.querySelectorAll(dated)) {
    if (el.type !== 'date') problems.push(`a date typed as free text: ${where(el)}`);
  }
  const said = [...document.querySelectorAll('[aria-label], [alt], [title], option')]
    .map(el => [el.getAttribute('aria-label'), el.getAttribute('alt'), el.getAttribute('title'),
                el.tagName === 'OPTION' ? el.textContent : ''].join(' '));
  const text = data.reduce((rest, value) => rest.split(value).join(''),
                           [document.title, document.body.innerText, ...said].join('\\n'))
    .replace(/\\S+\\.(xlsx|csv)\\b/g, '');
  const machine = text.match(/\\b\\d{4}[-/]\\d{1,2}[-/]\\d{1,2}\\b|\\b\\d{1,2}\\/\\d{1,2}\\/\\d{4}\\b|T\\d{2}:\\d{2}/g);
  if (machine) problems.push(`dates as a machine writes them: ${machine}`);
  const english = text.match(/\\b(?!PDF|CSV|Excel|WJG|XSS)[A-Za-z]{4,}\\b/g);
  if (english) problems.push(`English on the page: ${[...new Set(english)].slice(0, 8)}`);
  return problems;
}"""


def _audit(page, where: str) -> list[str]:
    return [f"{where}: {p}" for p in page.evaluate(AUDIT, DATA)]


def _hospitalise(stack, name: str, days_ago: int = 0) -> None:
    day = date.today() - timedelta(days=days_ago)
    with stack.api("registry") as registry:
        registry.post(f"/v1/residents/{stack.residents[name]['id']}/life-events",
                      json={"kind": "hospitalized", "date": day.isoformat()}).raise_for_status()


def _first_task(page, console: str, tries: int = 240):
    """The visits service makes the task from the registry's event on its own time: reload until one is listed."""
    for _ in range(tries):
        page.goto(f"{console}/")
        if page.locator("li.task").count():
            return page.locator("li.task").first
        time.sleep(0.5)
    raise AssertionError("no task on the worker's list")


def _posting(stack) -> str:
    with stack.api("employment") as employment:
        employer = employment.post("/v1/employers", json={"name": "绿色假日酒店", "kind": "business",
                                                          "community_code": COMMUNITY}).json()
        job = employment.post("/v1/jobs", json={"employer_id": employer["id"], "title": "保洁员",
                                                "category": "cleaning", "headcount": 1, "wage_min_cny": 2000,
                                                "wage_max_cny": 2600})
        job.raise_for_status()
        return job.json()["id"]


def _report(stack) -> str:
    return stack.month_reports("care", {"name": "走访与就业", "indicators": [
        {"key": "residents", "label": "常住人口", "source": "registry_group", "group": "residents"},
        {"key": "visits", "label": "本期入户走访次数", "source": "visits", "metric": "visits.count"}]})[COMMUNITY]


def _ledger() -> bytes:
    """Two households, the second with an ID number whose checksum does not add up: one row error."""
    book = Workbook()
    sheet = book.active
    sheet.append(["户编号", "小区", "楼栋", "单元", "门牌", "与户主关系", "姓名", "身份证号", "就业状况"])
    for ref, name, number in (("K001", "测甲", id_number(born_years_ago(50, date.today()), "female")),
                              ("K002", "测乙", "110101199001011234")):
        sheet.append([ref, "光明小区", "2", "1", ref[-3:], "户主", name, number, "退休"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_every_key_page_has_names_alternatives_order_contrast_focus_and_words_for_its_statuses(
        stack, phone, desk, browser, sign_in):
    problems: list[str] = []
    phone.goto(f"{stack.console}/signin")
    problems += _audit(phone, "signin")

    _hospitalise(stack, "王建国", days_ago=30)  # long past its window: the list shows it overdue
    sign_in(phone, "陈社工")
    task = _first_task(phone, stack.console)
    assert task.locator(".overdue").count() == 1
    problems += _audit(phone, "today")
    task.get_by_role("link", name="记录走访").click()
    phone.wait_for_url("**/visit?**")  # and its stylesheet: `load`, as goto waits for
    problems += _audit(phone, "visit form")
    for path in ("/inbox", "/residents?q=5678", f"/residents/{stack.residents['王建国']['id']}", "/jobs",
                 f"/residents/{stack.residents['孙秀英']['id']}"):  # the last another community's: an error page
        phone.goto(stack.console + path)
        problems += _audit(phone, path)
    phone.goto(f"{stack.console}/residents/{stack.residents['王建国']['id']}")
    assert phone.locator(".tag.overdue").count() == 1  # the card says so too, in words

    posting, report, imported = _posting(stack), _report(stack), stack.imported(COMMUNITY, "台账.xlsx", _ledger())
    sign_in(desk, "刘书记")
    for path in ("/ledger", f"/ledger/imports/{imported}", "/community", "/jobs", f"/jobs/postings/{posting}",
                 "/admin/tasks", "/admin/policy", "/admin/reports", f"/admin/reports/{report}"):
        desk.goto(stack.console + path)
        problems += _audit(desk, path)

    officer = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = officer.new_page()
    sign_in(page, "周科长")
    for org in (STREET, DISTRICT):
        page.goto(f"{stack.console}/community?org={org}")
        problems += _audit(page, f"/community?org={org}")
    officer.close()
    assert not problems, "\n".join(problems)


def test_tab_reaches_the_first_tasks_record_button_and_enter_opens_it(stack, phone, sign_in, screenshot):
    _hospitalise(stack, "王建国")
    sign_in(phone, "陈社工")
    first = _first_task(phone, stack.console).get_by_role("link", name="记录走访")
    href = first.get_attribute("href")
    for _ in range(30):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.getAttribute('href')") == href:
            break
    else:
        raise AssertionError("Tab never reached the first task's 记录走访")
    outline = phone.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    screenshot(phone, "70-keyboard-focus-on-record-visit")
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/visit?**")
    assert phone.get_by_role("heading", name="记录走访").is_visible()


def test_a_too_long_observation_is_explained_beside_its_field_and_what_was_typed_stays(stack, phone, sign_in,
                                                                                       screenshot):
    _hospitalise(stack, "王建国", days_ago=2)
    sign_in(phone, "陈社工")
    _first_task(phone, stack.console).get_by_role("link", name="记录走访").click()
    typed = "老人精神尚可。" * 300  # 2,100 characters: the visits API takes at most 2,000
    phone.get_by_label("走访情况").fill(typed)
    phone.get_by_role("button", name="保存走访记录").click()
    phone.locator("#observations-error").wait_for()

    observations = phone.get_by_label("走访情况")
    assert observations.get_attribute("aria-invalid") == "true"
    assert "observations-error" in observations.get_attribute("aria-describedby")
    said = phone.locator(".field:has(#f-observations) .field-error").inner_text()
    assert "太长" in said and "2000" in said
    assert observations.input_value() == typed
    assert phone.evaluate("document.activeElement.id") == "f-observations"  # the keyboard lands on it
    assert phone.title().startswith("有误：")  # what a screen reader says first
    assert not _audit(phone, "visit form with an error")
    screenshot(phone, "71-visit-error-beside-its-field")


def test_a_future_date_and_an_unknown_kind_of_life_event_are_explained_beside_their_fields(stack, phone, sign_in,
                                                                                           screenshot):
    sign_in(phone, "陈社工")
    phone.goto(f"{stack.console}/residents/{stack.residents['王建国']['id']}")
    tomorrow = date.today() + timedelta(days=1)
    phone.get_by_label("日期").fill(tomorrow.isoformat())
    phone.get_by_role("button", name="登记").click()
    phone.locator("#date-error").wait_for()
    assert "不能晚于今天" in phone.locator(".field:has(#f-date) .field-error").inner_text()
    assert phone.get_by_label("日期").input_value() == tomorrow.isoformat()
    assert phone.evaluate("document.activeElement.id") == "f-date"

    phone.locator("#f-kind option").first.evaluate("option => { option.value = 'flood'; }")
    phone.get_by_label("日期").fill(date.today().isoformat())
    phone.get_by_role("button", name="登记").click()
    phone.locator("#kind-error").wait_for()
    assert "请从选项中选择" in phone.locator(".field:has(#f-kind) .field-error").inner_text()
    assert phone.locator("#f-kind").get_attribute("aria-invalid") == "true"
    assert phone.evaluate("document.activeElement.id") == "f-kind"
    assert not _audit(phone, "life event with errors")
    screenshot(phone, "72-life-event-error-beside-its-field")


def test_a_browser_without_a_date_picker_sends_what_was_typed_and_it_is_read_or_explained(stack, phone, sign_in):
    sign_in(phone, "陈社工")
    phone.goto(f"{stack.console}/residents/{stack.residents['王建国']['id']}")
    phone.locator("#f-date").evaluate("input => { input.type = 'text'; }")
    phone.get_by_label("日期").fill("前天")
    phone.get_by_role("button", name="登记").click()
    phone.locator("#date-error").wait_for()
    assert "看不懂这个日期" in phone.locator(".field:has(#f-date) .field-error").inner_text()

    today = date.today()
    phone.locator("#f-date").evaluate("input => { input.type = 'text'; }")
    phone.get_by_label("事件类型").select_option("discharged")
    phone.get_by_label("日期").fill(f"{today.year}年{today.month}月{today.day}日")
    phone.get_by_role("button", name="登记").click()
    phone.get_by_text("生活事件已登记").wait_for()
    assert phone.locator("ul.life-events li").filter(has_text="出院").count() == 1
