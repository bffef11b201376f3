"""Which files staff may send a parent as the copy of the dossier, and how their names show.

Only PDF files and images a parent's phone opens safely: the MIME type Telegram reports and
the file name's extension must both say the same accepted type (an ``.exe`` that claims to
be a PDF, or a PDF named ``.html``, is refused). An empty file is refused, and so is one
larger than a bot may send through Telegram. A name is shown without control and bidi
characters, so ``dossier\\u202efdp.exe`` cannot pass itself off as ``dossierexe.pdf``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

MAX_BYTES = 50 * 1024 * 1024
"""Telegram's limit for a file a bot sends (50 MB)."""
MAX_NAME = 200

ACCEPTED: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
}
"""MIME type -> the extensions that go with it."""


class FileProblem(StrEnum):
    TYPE = "type"
    """Not a PDF or an image, or the MIME type and the extension disagree."""
    NO_NAME = "no_name"
    """A document without a file name: its extension cannot be checked."""
    EMPTY = "empty"
    TOO_LARGE = "too_large"


@dataclass(frozen=True, slots=True)
class CheckedFile:
    name: str
    """The name as it may be shown (control and bidi characters removed)."""
    problem: FileProblem | None = None

    @property
    def accepted(self) -> bool:
        return self.problem is None


def shown_name(name: str) -> str:
    """The name without control, format (bidi overrides, zero-width) or unassigned
    characters, trimmed to ``MAX_NAME`` characters."""
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in name
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    return " ".join(kept.split())[:MAX_NAME]


def _size_problem(size: int | None) -> FileProblem | None:
    if size is not None and size <= 0:
        return FileProblem.EMPTY
    if size is not None and size > MAX_BYTES:
        return FileProblem.TOO_LARGE
    return None


def check_document(name: str | None, mime_type: str | None, size: int | None) -> CheckedFile:
    """A document as Telegram describes it (file name, MIME type, size in bytes)."""
    shown = shown_name(name or "")
    if not shown:
        return CheckedFile("", FileProblem.NO_NAME)
    mime = (mime_type or "").split(";")[0].strip().lower()
    # The extension as a phone or computer reads it: of the name as sent, so a bidi
    # override hiding ".exe" counts, and a trailing invisible character fails the check.
    extension = "." + name.rsplit(".", 1)[-1].lower() if name and "." in name else ""
    if extension not in ACCEPTED.get(mime, ()):
        return CheckedFile(shown, FileProblem.TYPE)
    return CheckedFile(shown, _size_problem(size))


def check_photo(size: int | None) -> CheckedFile:
    """A photo sent as a photo: Telegram has made it a JPEG; only its size can be wrong."""
    return CheckedFile("", _size_problem(size))
