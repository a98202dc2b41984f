"""The JSON form: the data model with stable keys (documented in README.md)."""

from __future__ import annotations

import json

from .model import Summary


def render_json(summary: Summary) -> str:
    """The summary as indented JSON."""
    return json.dumps(summary.as_dict(), indent=2, ensure_ascii=False) + "\n"
