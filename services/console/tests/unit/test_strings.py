"""Every word the console shows comes from strings.py: no template spells one of its own."""
from __future__ import annotations

import re
from pathlib import Path

import linli_console

TEMPLATES = Path(linli_console.__file__).parent / "templates"
JINJA = re.compile(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", re.S)
SHOWN_ATTRIBUTES = re.compile(r"""\b(?:alt|title|aria-label|placeholder|value)="([^"]*)\"""")
WORD = re.compile(r"[A-Za-z\u4e00-\u9fff]")


def _words(template: Path) -> list[str]:
    text = JINJA.sub("", template.read_text(encoding="utf-8"))
    shown = [value for value in SHOWN_ATTRIBUTES.findall(text) if WORD.search(value)]
    between_tags = re.sub(r"<[^>]*>", "\n", text).splitlines()
    return shown + [line.strip() for line in between_tags if WORD.search(line)]


def test_no_template_spells_a_word_of_its_own():
    spelled = {str(t.relative_to(TEMPLATES)): words for t in sorted(TEMPLATES.rglob("*.html")) if (words := _words(t))}
    assert spelled == {}
