"""What the structured details of a case (or a draft of one) say."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def category_keys(details: Mapping[str, Any]) -> list[str]:
    """The register categories a correction or deletion is about."""
    if "category" in details:
        return [details["category"]]
    return list(details.get("categories", []))
