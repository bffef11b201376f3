from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.schools.config import load_school, load_schools
from bot.settings import Settings, load_settings
from tests.support import SCHOOL_TOML


def test_the_example_school_config_is_complete() -> None:
    school = load_school(SCHOOL_TOML)
    assert school.slug == "cbs-klimop"
    assert {p.key for p in school.photo_purposes} >= {"website", "newsletter"}
    religion = school.category("religion")
    assert religion is not None and religion.voluntary
    assert {r.key for r in school.recipients} == {
        "scpo_nop",
        "learning_suppliers",
        "leerplichtambtenaar",
        "ocw_duo",
    }
    assert school.retention_ground("leerlingdossier") is not None


def _write_variant(tmp_path: Path, edit: str, replacement: str) -> Path:
    text = SCHOOL_TOML.read_text(encoding="utf-8")
    assert edit in text
    path = tmp_path / "school.toml"
    path.write_text(text.replace(edit, replacement, 1), encoding="utf-8")
    return path


def test_an_unknown_recipient_is_named(tmp_path: Path) -> None:
    path = _write_variant(tmp_path, '"leerplichtambtenaar"]', '"nobody"]')
    with pytest.raises(ConfigError) as caught:
        load_school(path)
    assert str(path) in str(caught.value)
    assert "unknown recipient 'nobody'" in str(caught.value)
    assert caught.value.exit_code == 2


def test_a_missing_translation_names_the_field(tmp_path: Path) -> None:
    data = tomllib.loads(SCHOOL_TOML.read_text(encoding="utf-8"))
    en = data["photo_purposes"][0]["label"]["en"]
    path = _write_variant(tmp_path, f'label.en = "{en}"', "")
    with pytest.raises(ConfigError, match=r"photo_purposes\.0\.label\.en: missing"):
        load_school(path)


def test_bad_timezone_and_bad_toml(tmp_path: Path) -> None:
    path = _write_variant(tmp_path, 'timezone = "Europe/Amsterdam"', 'timezone = "Mars/Base"')
    with pytest.raises(ConfigError, match="unknown time zone"):
        load_school(path)
    broken = tmp_path / "broken.toml"
    broken.write_text("slug = ", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken\.toml"):
        load_school(broken)
    with pytest.raises(ConfigError, match="not found"):
        load_school(tmp_path / "nothing.toml")


def test_every_problem_is_reported_in_one_run_in_plain_words(tmp_path: Path) -> None:
    text = SCHOOL_TOML.read_text(encoding="utf-8")
    for old, new in (
        ('slug = "cbs-klimop"', 'slug = "CBS Klimop!"'),
        ('timezone = "Europe/Amsterdam"', 'timezone = "Europe/Amsterdm"'),
        ("administration_system =", "administraton_system ="),
        ('"leerplichtambtenaar"]', '"nobody"]'),
        ('key = "newsletter"', 'key = "News Letter"'),
    ):
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "school.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_school(path)
    assert str(caught.value) == "6 problems in the school config"
    index = next(
        i for i, c in enumerate(tomllib.loads(text)["categories"]) if c["key"] == "absence"
    )
    assert sorted(caught.value.problems) == sorted(
        f"{path}: {problem}"
        for problem in (
            "slug: 'CBS Klimop!' is not allowed here: write 2 to 40 lower-case letters, digits "
            "and dashes, starting with a letter or digit (for example cbs-klimop)",
            "timezone: unknown time zone 'Europe/Amsterdm' (write it as Europe/Amsterdam)",
            "administration_system: missing (this field is required)",
            "administraton_system: unknown field (misspelled?)",
            "photo_purposes.1.key: 'News Letter' is not allowed here: write at most 24 "
            "lower-case letters, digits and underscores, starting with a letter (for example "
            "social_media)",
            f"categories.{index}.recipients: category 'absence': unknown recipient 'nobody'",
        )
    )
    assert "String should match pattern" not in "\n".join(caught.value.problems)


def test_a_folder_of_schools_and_duplicate_slugs(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(SCHOOL_TOML.read_text(encoding="utf-8"), encoding="utf-8")
    assert list(load_schools(tmp_path)) == ["cbs-klimop"]
    (tmp_path / "b.toml").write_text(SCHOOL_TOML.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ConfigError, match="used by another school file"):
        load_schools(tmp_path)


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRIVACYLOKET_API_BASE_URL", "http://127.0.0.1:8081/")
    monkeypatch.setenv("PRIVACYLOKET_LOG_LEVEL", "debug")
    settings = load_settings()
    assert settings.api_base_url == "http://127.0.0.1:8081"
    assert settings.log_level == "DEBUG"
    assert settings.database == "privacyloket.db"


def test_a_bad_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRIVACYLOKET_GUARDIAN_CODE_DAYS", "many")
    with pytest.raises(ConfigError, match="PRIVACYLOKET_GUARDIAN_CODE_DAYS"):
        load_settings()
    monkeypatch.delenv("PRIVACYLOKET_GUARDIAN_CODE_DAYS")
    monkeypatch.setenv("PRIVACYLOKET_API_BASE_URL", "ftp://x")
    with pytest.raises(ConfigError, match="PRIVACYLOKET_API_BASE_URL"):
        load_settings()


def test_the_key_file_is_created_once_and_private(tmp_path: Path) -> None:
    settings = Settings(key_file=tmp_path / "k" / "privacyloket.key")
    with pytest.raises(ConfigError, match="privacyloket init"):
        settings.secret()
    assert settings.ensure_key_file()
    assert not settings.ensure_key_file()
    assert (settings.key_file.stat().st_mode & 0o777) == 0o600
    assert len(settings.secret()) >= 32


def test_a_short_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRIVACYLOKET_SECRET_KEY", "short")
    with pytest.raises(ConfigError, match="at least 32"):
        load_settings().secret()


async def test_a_database_refuses_a_different_secret(tmp_path: Path) -> None:
    from bot.services import Services
    from tests.support import make_settings

    services = await Services.start(make_settings(tmp_path))
    await services.close()
    other = make_settings(tmp_path, secret_key="another-secret-" + "y" * 40)
    with pytest.raises(ConfigError, match="another secret key"):
        await Services.start(other)


def test_letter_details_logo_relative_to_the_config(tmp_path: Path) -> None:
    import segno

    segno.make("logo").save(str(tmp_path / "logo.png"))
    path = _write_variant(
        tmp_path,
        'administration_system = "ParnasSys"',
        'administration_system = "ParnasSys"\nlogo = "logo.png"',
    )
    school = load_school(path)
    assert school.logo == tmp_path / "logo.png"
    assert school.privacy_statement_url == "https://www.cbsklimop.example/privacy"
    assert school.contact is not None and "0527 000 000" in school.contact.nl
    (tmp_path / "logo.png").unlink()
    with pytest.raises(ConfigError, match=r"logo: .*logo\.png not found"):
        load_school(path)


def test_holidays_and_the_consent_task_target(tmp_path: Path) -> None:
    school = load_school(SCHOOL_TOML)
    assert school.consent_task_school_days == 5
    assert (date(2026, 12, 19), date(2027, 1, 3)) in school.holiday_periods
    path = _write_variant(tmp_path, "end = 2026-10-25", "end = 2026-10-01")
    with pytest.raises(ConfigError, match=r"holidays\.0: .*ends \(2026-10-01\) before it starts"):
        load_school(path)
    path = _write_variant(tmp_path, "consent_task_school_days = 5", "consent_task_school_days = 0")
    with pytest.raises(ConfigError, match=r"consent_task_school_days: .*greater than or equal"):
        load_school(path)
    path = _write_variant(tmp_path, "start = 2026-10-17", 'start = "17 oktober"')
    with pytest.raises(ConfigError, match=r"holidays\.0\.start"):
        load_school(path)


def test_a_retention_ground_says_legal_duty_with_its_law_or_school_policy(
    tmp_path: Path,
) -> None:
    school = load_school(SCHOOL_TOML)
    duty, policy = (
        school.retention_ground("administratie"),
        school.retention_ground("leerlingdossier"),
    )
    assert duty is not None and duty.legal_duty and duty.law is not None
    assert "Besluit bekostiging WPO" in duty.law.nl
    # The leerlingdossier's 2 years after leaving is a guideline, not a legal duty.
    assert policy is not None and not policy.legal_duty and policy.law is None
    # Name, date of birth and education number: the pupil administration's 5 years.
    identity = school.category("identity")
    assert identity is not None and identity.retention_ground == "administratie"
    assert "5 jaar" in identity.retention.nl and "7 jaar" not in identity.retention.nl
    assert school.retention_ground("bekostiging") is None

    no_law = _write_variant(
        tmp_path,
        'law.nl = "Besluit bekostiging WPO"\nlaw.en = "the Primary Education Funding Decree, '
        'Besluit bekostiging WPO"\n',
        "",
    )
    with pytest.raises(ConfigError, match=r"retention_grounds\.0: .*a legal duty names the law"):
        load_school(no_law)
    no_basis = _write_variant(tmp_path, 'basis = "school_policy"\n', "")
    with pytest.raises(ConfigError, match=r"retention_grounds\.1\.basis: missing"):
        load_school(no_basis)
    law_for_policy = _write_variant(
        tmp_path,
        'basis = "school_policy"\n',
        'basis = "school_policy"\nlaw.nl = "x"\nlaw.en = "x"\n',
    )
    with pytest.raises(ConfigError, match='law is only for basis = "legal_duty"'):
        load_school(law_for_policy)
    reserved = _write_variant(tmp_path, 'key = "leerlingdossier"', 'key = "still_needed"')
    with pytest.raises(ConfigError) as caught:
        load_school(reserved)
    assert any(
        p.endswith(
            "retention_grounds.1.key: 'still_needed' is built in (data still needed for "
            "a pupil at the school): choose another key"
        )
        for p in caught.value.problems
    ), caught.value.problems
