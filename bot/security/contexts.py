"""What each encrypted value is bound to: the context given to the cipher with it.

A blob decrypts only under the context it was sealed with, so a value copied into another
row or column does not decrypt there. The strings are stored nowhere but are part of every
sealed value: changing one makes existing data unreadable.
"""

from __future__ import annotations


def case_text(case_id: int) -> str:
    """What the parent wrote with a request."""
    return f"case:{case_id}:text"


def case_note(case_id: int, note_id: int) -> str:
    """A staff member's internal note."""
    return f"case:{case_id}:note:{note_id}"


def case_file_name(case_id: int, attachment_id: int) -> str:
    """The name of a document attached to a case."""
    return f"case:{case_id}:file:{attachment_id}"


def case_outcome(case_id: int) -> str:
    """The school's message with its answer or refusal."""
    return f"case:{case_id}:outcome"


def case_lift(case_id: int) -> str:
    """The reason given for lifting a granted restriction."""
    return f"case:{case_id}:lift"


def case_extension(case_id: int) -> str:
    """The reason given for extending the answer date."""
    return f"case:{case_id}:extension"


def outbox_body(ref: str) -> str:
    """A queued message's text."""
    return f"outbox:{ref}"


def outbox_attachment(ref: str) -> str:
    """The document or photo a queued message carries."""
    return f"outbox:{ref}:attachment"


def inbox_update(update_id: int) -> str:
    """An update from Telegram, stored before it is handled."""
    return f"inbox:{update_id}"


def bot_state(kind: str, key: str) -> str:
    """Conversation state and per-person data kept by the persistence."""
    return f"bot_state:{kind}:{key}"


def round_message(round_id: int) -> str:
    """The school's message with a consent round."""
    return f"round:{round_id}:message"
