"""Which files may go to a parent as the copy of the dossier (without Telegram)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.dossier_files import (
    MAX_BYTES,
    FileProblem,
    check_document,
    check_photo,
    shown_name,
)

PDF = "application/pdf"


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("dossier.pdf", PDF),
        ("Dossier Zoë.PDF", PDF),
        ("scan.jpg", "image/jpeg"),
        ("scan.JPEG", "image/jpeg"),
        ("pagina-2.png", "image/png"),
        ("dossier.pdf", "application/pdf; charset=binary"),
    ],
)
def test_pdf_files_and_images_whose_type_and_name_agree_are_accepted(name: str, mime: str) -> None:
    checked = check_document(name, mime, 1000)
    assert checked.accepted and checked.name == name


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("setup.exe", "application/x-msdownload"),
        ("setup.exe", PDF),  # claims to be a PDF
        ("dossier.pdf", "application/x-msdownload"),
        ("dossier.pdf", "text/html"),
        ("dossier.html", "text/html"),
        ("dossier.html", PDF),
        ("logo.svg", "image/svg+xml"),
        ("logo.svg", "image/png"),
        ("dossier\u202efdp.exe", PDF),  # shows as "dossierexe.pdf"
        ("dossier.pdf\u200b", PDF),  # an invisible character after the extension
        ("dossier.pdf.exe", PDF),
        ("dossier", PDF),
        ("dossier.pdf", None),
        ("dossier.pdf", ""),
        ("brief.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("archief.zip", "application/zip"),
    ],
)
def test_anything_else_is_refused_by_type(name: str, mime: str | None) -> None:
    checked = check_document(name, mime, 1000)
    assert checked.problem is FileProblem.TYPE


def test_the_shown_name_loses_bidi_and_control_characters() -> None:
    assert check_document("dossier\u202efdp.exe", PDF, 1).name == "dossierfdp.exe"
    assert shown_name("a\u202eb\u2066c\u200fd\x00e\x1bf\ufeffg\nh") == "abcdefg h"
    assert shown_name("x" * 500) == "x" * 200


def test_a_document_without_a_name_is_refused_not_called_a_photo() -> None:
    for name in (None, "", "\u202e\u200b"):
        checked = check_document(name, PDF, 1000)
        assert checked.problem is FileProblem.NO_NAME and checked.name == ""


def test_empty_and_too_large_files_are_refused() -> None:
    assert check_document("dossier.pdf", PDF, 0).problem is FileProblem.EMPTY
    assert check_document("dossier.pdf", PDF, MAX_BYTES + 1).problem is FileProblem.TOO_LARGE
    assert check_document("dossier.pdf", PDF, MAX_BYTES).accepted
    assert check_document("dossier.pdf", PDF, None).accepted  # size not reported
    assert check_photo(0).problem is FileProblem.EMPTY
    assert check_photo(MAX_BYTES + 1).problem is FileProblem.TOO_LARGE
    assert check_photo(120_000).accepted


@settings(max_examples=300, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    name=st.one_of(st.none(), st.text(max_size=40)),
    mime=st.one_of(st.none(), st.sampled_from(["application/pdf", "image/png", "text/html"])),
    size=st.one_of(st.none(), st.integers(min_value=-1, max_value=MAX_BYTES * 2)),
)
def test_an_accepted_file_always_has_a_clean_name_matching_its_type(
    name: str | None, mime: str | None, size: int | None
) -> None:
    checked = check_document(name, mime, size)
    if checked.accepted:
        assert name is not None and mime in ("application/pdf", "image/png")
        assert name.lower().endswith(".pdf" if mime == "application/pdf" else ".png")
        assert checked.name and checked.name == shown_name(checked.name)
        assert size is None or 0 < size <= MAX_BYTES
