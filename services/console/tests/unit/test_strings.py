"""Every word the console shows comes from strings.py: no template spells one of its own."""
from __future__ import annotations

import ast
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


def _literals(module: Path) -> list[str]:
    """The module's Chinese string literals, docstrings aside."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and node.body and isinstance(node.body[0], ast.Expr)}
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings and re.search(r"[\u4e00-\u9fff]", node.value)]


def test_no_module_but_strings_and_dates_spells_chinese():
    package = Path(linli_console.__file__).parent
    spelled = {m.name: words for m in sorted(package.rglob("*.py"))
               if m.name not in ("strings.py", "dates.py") and (words := _literals(m))}
    assert spelled == {}
