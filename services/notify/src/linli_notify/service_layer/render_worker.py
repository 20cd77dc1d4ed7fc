"""The template renderer's worker process: JSON lines in on stdin, JSON lines out on stdout, until EOF.

Run by `renderer.Renderer` as `python -m linli_notify.service_layer.render_worker <memory bytes>`; it imports
nothing but the template domain, and caps its own address space so a template cannot take the host's memory.
"""
from __future__ import annotations

import json
import resource
import sys
from typing import Any

from linli_notify.domain.templates import Template, TemplateProblem, render, validate


def answer(request: dict[str, Any]) -> dict[str, Any]:
    try:
        if request["op"] == "validate":
            template = validate(request["key"], request["body"], request["subject"])
            return {"ok": [template.key, template.body, template.subject]}
        template = Template(request["key"], request["body"], request["subject"])
        return {"ok": list(render(template, request["variables"]))}
    except TemplateProblem as exc:
        return {"problem": [exc.code, exc.detail]}
    except MemoryError:
        return {"problem": ["template.too_costly", "the template needs more memory than a message may"]}


def main() -> None:
    memory = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    out = sys.stdout
    out.write('{"ready": true}\n')
    out.flush()
    for line in sys.stdin:
        out.write(json.dumps(answer(json.loads(line)), ensure_ascii=False) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
