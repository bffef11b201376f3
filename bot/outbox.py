"""What a queued message is and how it is queued: the outbox's write side.

Every message not sent as the direct reply to a person's own action (staff alerts, status
updates to parents, reminders, digests) is a row written in the same transaction as the
change that caused it; the dispatcher (bot.jobs.dispatcher) delivers it afterwards. This
sits below the domain, so that a domain rule can queue a message without knowing the jobs.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.i18n import language_or_default, use_language
from bot.markup import split_html
from bot.security import contexts
from bot.security.crypto import Cipher
from storage import outbox
from storage.accounts import Recipient
from storage.db import Connection, to_db


class NoticeAction(StrEnum):
    """What a button under a queued message does. The domain names it here; the handlers
    map it to the screen it opens (handlers.buttons), its value being the code its callback
    data carries."""

    OPEN_CASE = "sco"
    """Under a staff notice (an alert, a reminder): the request, as a new message."""
    CONFIRM_RECEIPT = "rcvd"
    """Under the last document of a delivery: the parent confirms they received them."""
    ROUND_QUESTION = "rdo"
    """(request id): a consent round's question again, as a new message; the one button a
    sender without keyboards puts under it (bot.domain.rounds)."""
    ROUND_CHOOSE = "rdc"
    """(request id, selection): Yes or No for one purpose of a round's question; nothing is
    saved, the question is shown again with the selection."""
    ROUND_SEND = "rds"
    """(request id, selection): record the choices of a round's question."""
    ROUND_KEEP = "rdk"
    """(request id): keep every current answer as this round's answer."""


@dataclass(frozen=True, slots=True)
class Attachment:
    """A document or photo Telegram already has, sent again by its file id."""

    kind: str  # "document" | "photo"
    file_id: str
    file_name: str | None = None
    receipt_button: str | None = None
    """With a button of this text (``NoticeAction.CONFIRM_RECEIPT``) the parent confirms
    receipt of ``case_id``'s documents."""


@dataclass(frozen=True, slots=True)
class Button:
    """One button under a notice: its label (in the recipient's language), and the action
    and arguments its callback data carries (signed for the recipient when sent)."""

    label: str
    action: NoticeAction
    args: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Keyboard:
    """Several buttons under a notice, in rows (a consent round's Yes / No per purpose and
    Send), and the one button a sender that puts only one under a notice shows instead."""

    rows: tuple[tuple[Button, ...], ...]
    fallback: Button


def _spec(button: Button) -> dict[str, object]:
    return {"label": button.label, "action": button.action, "args": list(button.args)}


class Bell:
    """Rung after a unit of work queued messages, so that they go out now rather than at the
    dispatcher's next round. The running bot listens (bot.app); until then a ring does
    nothing, and the dispatcher's own rounds deliver what was queued."""

    def __init__(self) -> None:
        self._listener: Callable[[], None] | None = None

    def listen(self, listener: Callable[[], None] | None) -> None:
        self._listener = listener

    def ring(self) -> None:
        if self._listener is not None:
            self._listener()


async def enqueue(
    conn: Connection,
    cipher: Cipher,
    now: datetime,
    *,
    chat_id: int,
    text: str,
    school_id: int | None,
    case_id: int | None = None,
    key: str | None = None,
    attachment: Attachment | None = None,
    button: Button | None = None,
    staff_id: int | None = None,
    keyboard: Keyboard | None = None,
) -> str:
    """Queue ``text`` (Telegram HTML) for ``chat_id`` inside the caller's unit of work; a text
    longer than Telegram allows becomes several messages, split at line breaks, in order. With
    an attachment, the text is its caption (one message).

    A message that must go out once carries a deterministic ``key`` (for example a reminder's
    case and day): queueing the same key again is a no-op. Returns the first part's reference.
    """
    first = last = ""
    for n, part in enumerate([text] if attachment is not None else split_html(text)):
        ref = secrets.token_hex(8)
        added = await outbox.add(
            conn,
            ref=ref,
            school_id=school_id,
            chat_id=chat_id,
            case_id=case_id,
            body=cipher.encrypt_text(part, contexts.outbox_body(ref)),
            at=to_db(now),
            key=key if key is None or n == 0 else f"{key}#{n}",
            staff_id=staff_id,
        )
        last = ref
        if n == 0:
            first = ref
            if not added:
                return first
    if attachment is not None and first:
        data = {"kind": attachment.kind, "file_id": attachment.file_id}
        if attachment.file_name is not None:
            data["file_name"] = attachment.file_name
        if attachment.receipt_button is not None:
            data["receipt_button"] = attachment.receipt_button
        blob = cipher.encrypt_text(json.dumps(data), contexts.outbox_attachment(first))
        await outbox.set_attachment(conn, first, blob)
    if keyboard is not None:  # under the last part, like a keyboard under a long reply
        spec = {**_spec(keyboard.fallback), "rows": [[_spec(b) for b in r] for r in keyboard.rows]}
        await outbox.set_button(conn, last, json.dumps(spec))
    elif button is not None:
        await outbox.set_button(conn, last, json.dumps(_spec(button)))
    return first


async def enqueue_each(
    conn: Connection,
    cipher: Cipher,
    now: datetime,
    recipients: Sequence[Recipient],
    render: Callable[[], str],
    *,
    school_id: int | None,
    case_id: int | None = None,
    button: Callable[[], Button] | None = None,
    attachment: Callable[[], Attachment] | None = None,
) -> int:
    """One notice per recipient, each rendered (text, button label, caption) in the
    recipient's own language; returns how many were queued."""
    for recipient in recipients:
        with use_language(language_or_default(recipient.language)):
            text = render()
            extra = button() if button is not None else None
            document = attachment() if attachment is not None else None
        await enqueue(
            conn,
            cipher,
            now,
            chat_id=recipient.chat_id,
            text=text,
            school_id=school_id,
            case_id=case_id,
            button=extra,
            attachment=document,
            staff_id=recipient.staff_id,
        )
    return len(recipients)


def _button(data: dict[str, object]) -> Button | None:
    """A stored button; None for an action this version does not know (queued by another
    version): the notice then goes without it."""
    args = data["args"]
    assert isinstance(args, list)
    try:
        action = NoticeAction(str(data["action"]))
    except ValueError:
        return None
    return Button(str(data["label"]), action, tuple(int(a) for a in args))


def button_of(raw: str | None) -> Button | None:
    """The one button under a notice (for a keyboard: its fallback)."""
    if raw is None:
        return None
    return _button(json.loads(raw))


def keyboard_of(raw: str | None) -> Keyboard | None:
    """The keyboard under a notice, or None when it has one button or none."""
    if raw is None:
        return None
    data = json.loads(raw)
    rows = data.get("rows")
    if not isinstance(rows, list):
        return None
    buttons = tuple(tuple(_button(b) for b in row) for row in rows)
    fallback = _button(data)
    if fallback is None or any(b is None for row in buttons for b in row):
        return None
    return Keyboard(tuple(tuple(b for b in row if b is not None) for row in buttons), fallback)


def attachment_of(cipher: Cipher, ref: str, blob: bytes | None) -> Attachment | None:
    if blob is None:
        return None
    data = json.loads(cipher.decrypt_text(blob, contexts.outbox_attachment(ref)))
    return Attachment(
        str(data["kind"]),
        str(data["file_id"]),
        data.get("file_name"),
        data.get("receipt_button"),
    )
