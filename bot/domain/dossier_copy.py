"""The copy of the dossier (AVG art. 15(3)): it is answered with the copy itself. Closing
such a request without a document is a refusal, with the reasons and the parent's rights."""

from __future__ import annotations

from bot.domain.model import Case, Kind


def needs_document(case: Case) -> bool:
    """Whether answering ``case`` needs at least one document attached."""
    return case.kind == Kind.ACCESS
