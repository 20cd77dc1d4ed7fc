"""Reading our compose files in tests: plain YAML, plus Compose's own tags (`!reset`, `!override`)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class _ComposeLoader(yaml.SafeLoader):
    """Compose's tags read as the plain value they tag: a static check sees what the file names."""


_ComposeLoader.add_multi_constructor(
    "!", lambda loader, _tag, node: loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode)
    else loader.construct_mapping(node) if isinstance(node, yaml.MappingNode) else loader.construct_scalar(node))


def load_compose(path: Path) -> dict[str, Any]:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_ComposeLoader)
