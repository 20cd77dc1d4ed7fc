"""Where the repository is, for tools that read its committed files (deploy/, docs/)."""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
