"""What the structured details of a case (or a draft of one) say."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def category_keys(details: Mapping[str, Any]) -> list[str]:
    """The register categories a correction or deletion is about."""
    if "category" in details:
        return [details["category"]]
    return list(details.get("categories", []))


OPENED_BY = "opened_by"
"""Set on a case the school opened itself (no parent asked), with the reason: ``left``."""
PUPIL_LEFT = "left"


def opened_by_school(details: Mapping[str, Any]) -> bool:
    """A case no parent filed (a takedown after a pupil left): not shown to parents, and
    nothing about it is sent to them."""
    return OPENED_BY in details


def consent_withdrawn(details: Mapping[str, Any], key: str) -> bool:
    """In a photo-consent change: whether the parent withdrew consent they had given for
    purpose ``key``, rather than refusing it for the first time. Changes recorded before
    the parent's own earlier choice was kept go by what applied before."""
    before = details.get("before")
    if isinstance(before, Mapping):
        return before.get(key) is True
    effective_before = details.get("effective_before")
    return isinstance(effective_before, Mapping) and effective_before.get(key, True) is True
