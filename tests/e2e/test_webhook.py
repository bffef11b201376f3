"""Webhook mode over real HTTP: the emulator posts each update to the bot as Telegram does,
and the bot answers only once the update is in the inbox."""

from __future__ import annotations

import asyncio
import json
import logging

import aiohttp
import pytest

from storage import inbox
from storage.db import fetch_all
from tests.e2e.harness import Harness
from tests.e2e.helpers import linked_parent, linked_teacher, request_dossier_copy
from tests.support import WEBHOOK_PATH, WEBHOOK_SECRET

pytestmark = pytest.mark.webhook


def _url(harness: Harness, path: str = WEBHOOK_PATH) -> str:
    host, port = harness.settings.listen
    return f"http://{host}:{port}{path}"


async def _post(
    harness: Harness, body: bytes, secret: str | None = WEBHOOK_SECRET, method: str = "POST"
) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, _url(harness), data=body, headers=headers) as response,
    ):
        return response.status


async def _receipts(harness: Harness) -> list[int]:
    rows = await fetch_all(harness.s.db.reader, "SELECT update_id FROM inbox ORDER BY 1")
    return [int(r[0]) for r in rows]


async def test_a_parent_and_a_teacher_work_through_the_webhook(harness: Harness) -> None:
    fake = harness.fake
    hook = fake.calls_to("setWebhook")[-1].params
    assert hook["url"] == harness.settings.webhook_url
    assert hook["secret_token"] == WEBHOOK_SECRET
    assert hook["allowed_updates"] == ["message", "callback_query", "my_chat_member"]
    assert hook["max_connections"] == 40
    assert not fake.calls_to("getUpdates")

    teacher = await linked_teacher(harness, 7001, ["3"])
    marieke = await linked_parent(harness, 5001, "Marieke de Jong")
    await request_dossier_copy(harness, marieke)
    await harness.deliver_outbox()
    assert "Nieuw verzoek" in teacher.messages[-1].text
    assert fake.webhook_posts and {p.status for p in fake.webhook_posts} == {200}
    assert {p.url for p in fake.webhook_posts} == {harness.settings.webhook_url}


async def test_a_post_without_the_right_secret_is_refused_and_nothing_is_stored(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    update = {"update_id": 990001, "message": {"message_id": 1, "date": 0, "text": "/help"}}
    body = json.dumps(update).encode()
    with caplog.at_level(logging.INFO, logger="handlers"):
        assert await _post(harness, body, secret=None) == 401
        assert await _post(harness, body, secret="wrong") == 401
        assert await _post(harness, body, secret=WEBHOOK_SECRET + "x") == 401
    assert await _receipts(harness) == []
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("handlers")]
    assert lines == ["webhook: a post without the right secret token was refused"] * 3


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"\xff\xfe", 400),
        (b"[1, 2]", 400),
        (b'{"message": {}}', 400),
        (b'{"update_id": true}', 400),
        (b'{"update_id": "7"}', 400),
        (b'{"update_id": 7, "x": "' + b"a" * (1024 * 1024) + b'"}', 413),
    ],
)
async def test_a_body_that_is_not_an_update_or_too_large_is_refused(
    harness: Harness, body: bytes, status: int
) -> None:
    assert await _post(harness, body) == status
    assert await _receipts(harness) == []


async def test_only_post_on_the_webhook_path_and_the_health_checks(harness: Harness) -> None:
    assert await _post(harness, b"{}", method="GET") == 405
    async with aiohttp.ClientSession() as session:
        async with session.post(_url(harness, "/elsewhere"), data=b"{}") as response:
            assert response.status == 404
        async with session.get(_url(harness, "/healthz")) as response:
            assert response.status == 200
        async with session.get(_url(harness, "/readyz")) as response:
            assert (response.status, await response.json()) == (200, {"ok": True})


async def test_readyz_says_so_when_the_schema_is_not_current(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def older() -> int:
        return 1

    monkeypatch.setattr(harness.s.db, "schema_version", older)
    async with (
        aiohttp.ClientSession() as session,
        session.get(_url(harness, "/readyz")) as response,
    ):
        assert (response.status, await response.json()) == (503, {"ok": False})


async def test_a_duplicate_delivery_is_accepted_and_handled_once(harness: Harness) -> None:
    inge = harness.person(5002, "Inge", "nl")
    seen = await inge.send("/help")
    assert "Met Privacyloket regelt u" in seen.text
    update_id = max(p.update_id for p in harness.fake.webhook_posts)
    answers = len(inge.messages)
    harness.fake.redeliver(update_id)  # Telegram never heard our 200: it posts it again
    await harness.wait_processed(update_id, 1)

    def posts() -> list[int | None]:
        return [p.status for p in harness.fake.webhook_posts if p.update_id == update_id]

    await harness.fake.wait_for(lambda: len(posts()) == 2)
    assert posts() == [200, 200]
    assert len(inge.messages) == answers  # nothing handled twice
    assert await _receipts(harness) == [update_id]
    assert await inbox.pending(harness.s.db.reader) == []


async def test_a_crash_between_receiving_and_committing_is_posted_again_and_handled_once(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    add = inbox.add
    crashes: list[bool] = []

    async def crash_before_commit(*args: object, **kwargs: object) -> bool:
        stored = await add(*args, **kwargs)  # type: ignore[arg-type]
        if not crashes:
            crashes.append(stored)
            raise RuntimeError("the process died before COMMIT")
        return stored

    monkeypatch.setattr(inbox, "add", crash_before_commit)
    inge = harness.person(5002, "Inge", "nl")
    seen = await inge.send("/help")
    assert "Met Privacyloket regelt u" in seen.text
    update_id = max(p.update_id for p in harness.fake.webhook_posts)
    posts = [p.status for p in harness.fake.webhook_posts if p.update_id == update_id]
    assert posts == [503, 200]  # nothing was stored the first time: Telegram tried again
    assert crashes == [True]
    assert len([m for m in inge.messages if "Met Privacyloket regelt u" in m.text]) == 1
    assert harness.times_processed(update_id) == 1


async def test_the_health_command_asks_the_running_bots_healthz(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    settings = harness.settings
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    monkeypatch.setenv("PRIVACYLOKET_WEBHOOK_URL", settings.webhook_url)
    monkeypatch.setenv("PRIVACYLOKET_WEBHOOK_SECRET", settings.webhook_secret.get_secret_value())
    monkeypatch.setenv("PRIVACYLOKET_WEBHOOK_LISTEN", settings.webhook_listen)
    assert await asyncio.to_thread(main, ["health"]) == 0
    out, _err = capsys.readouterr()
    assert out.startswith("healthy: http://127.0.0.1:")
