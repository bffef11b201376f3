"""The one registry of buttons (handlers.buttons): every button a screen can draw has a
route, every route can be reached (a screen draws it, or the domain queues it under a
notice), and a tap is decoded into typed arguments or refused."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from bot.outbox import NoticeAction
from handlers.buttons import ALL, Action, Everyone, NoArgs, Parent, Staff, for_notice, tap_of
from handlers.callbacks import MAX_BYTES, Callback, CallbackCodec
from handlers.router import ROUTES

ROOT = Path(__file__).resolve().parent.parent
ROOMS = {"Everyone": Everyone, "Parent": Parent, "Staff": Staff}
REGISTRY = {ROOT / "handlers" / "buttons.py", ROOT / "handlers" / "router.py"}


def _sources(*folders: str) -> list[tuple[Path, ast.Module]]:
    files = sorted(f for folder in folders for f in (ROOT / folder).rglob("*.py"))
    return [(f, ast.parse(f.read_text(encoding="utf-8"), filename=str(f))) for f in files]


def _named(room_names: set[str], sources: list[tuple[Path, ast.Module]]) -> set[tuple[str, str]]:
    """(room, name) of every ``Room.NAME`` written in these sources."""
    return {
        (node.value.id, node.attr)
        for _, tree in sources
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in room_names
    }


def _drawn() -> set[Action[..., Any]]:
    """The buttons the screens draw: every ``Room.NAME`` outside the registry itself."""
    sources = [(f, t) for f, t in _sources("handlers") if f not in REGISTRY]
    named = _named(set(ROOMS), sources)
    return {getattr(ROOMS[room], name) for room, name in named}


def _queued() -> set[Action[..., Any]]:
    """The buttons under notices: every ``NoticeAction.NAME`` the domain or the sender names
    (outside bot/outbox.py, which only declares them)."""
    sources = [
        (f, t)
        for f, t in _sources("bot", "handlers")
        if f != ROOT / "bot" / "outbox.py" and f not in REGISTRY
    ]
    return {for_notice(NoticeAction[name]) for _, name in _named({"NoticeAction"}, sources)}


def test_every_button_has_a_route_and_every_route_a_button() -> None:
    assert set(ROUTES) == set(ALL)
    assert len(ALL) == len({a.code for a in ALL}) == len({a.name for a in ALL})


def test_every_route_is_reachable() -> None:
    unreachable = {a.name for a in set(ROUTES) - _drawn() - _queued()}
    assert unreachable == set()


def test_the_check_sees_what_screens_draw_and_what_the_domain_queues() -> None:
    assert Staff.EXTEND_BY in _drawn() and Parent.START in _drawn()
    assert _queued() == {
        Staff.CASE_FROM_NOTICE,
        Parent.RECEIVED_DELIVERY,
        Parent.ROUND_QUESTION,
        Parent.ROUND_CHOOSE,
        Parent.ROUND_SEND,
        Parent.ROUND_KEEP,
    }
    assert {a for a in ALL if a.lasting} == _queued()


def test_screens_draw_only_registered_buttons() -> None:
    """No button is drawn from a bare code, and no action is made outside the registry."""
    found = []
    for file, tree in _sources("handlers", "bot"):
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else None
            name = name or (node.func.id if isinstance(node.func, ast.Name) else None)
            bare = name == "button" and any(
                isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args[2:]
            )
            made = name == "Action" and file not in REGISTRY
            if bare or made:
                found.append(f"{file.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def test_every_notice_action_has_its_button() -> None:
    for action in NoticeAction:
        assert for_notice(action).code == action.value and for_notice(action).lasting


SAMPLES: dict[str, tuple[object, ...]] = {
    "NoArgs": (),
    "ForCase": (2026,),
    "ForChild": (12,),
    "ForGroup": (3,),
    "Choice": (7, 0),
    "Marked": (12, 5),
    "KeptData": (7, 3),
    "LanguageCode": ("nl",),
    "YesNo": ("yes",),
    "Flow": ("consent",),
    "CopyVia": (12, "school"),
    "CopySending": (12, "0f1e2d3c4b5a6978", "email"),
    "ChildCategory": (12, "absence"),
    "DraftKey": ("0f1e2d3c4b5a6978",),
    "ConsentChoices": (12, "yynuu", "0f1e2d3c4b5a6978"),
    "QueuePage": ("overdue", 12),
    "ExtendBy": (7, -1),
    "AssignTo": (7, 21),
    "ConsentList": (3, ""),
    "ForStaff": (21,),
    "StaffGroups": (21, 65535),
    "ForRequest": (44,),
    "RoundSelection": (44, 2186),
    "ForRound": (12,),
    "Position": (4,),
    "GroupPurpose": (3, "social_media"),
    "Page": (2,),
    "GroupPage": (3, 1),
    "PaperForm": (123456, 654321, "yynuuu"),
    "PaperConfirm": (1234567, 7654321, "yynuuunu", "0f1e2d3c4b5a"),
}


@pytest.mark.parametrize("action", ALL, ids=lambda a: a.name)
def test_a_drawn_button_decodes_into_its_typed_arguments(action: Action[..., Any]) -> None:
    codec = CallbackCodec(b"k" * 32)
    press = action(*SAMPLES[action.arguments.__name__])
    data = codec.encode(42, press.action.code, *press.wire())
    assert len(data.encode()) <= MAX_BYTES
    callback = codec.decode(42, data)
    assert callback is not None
    tap = tap_of(callback)
    assert tap is not None and tap.action is action and tap.args == press.args


def test_arguments_that_do_not_fit_are_refused() -> None:
    for callback in (
        Callback("sc", ()),  # missing
        Callback("sc", ("7", "8")),  # one too many
        Callback("sc", ("seven",)),
        Callback("sc", ("7.0",)),
        Callback("sc", ("1e9",)),
        Callback("sc", ("",)),
        Callback("menu", ("x",)),
        Callback("q", ("mine",)),
        Callback("frobnicate", ()),
    ):
        assert tap_of(callback) is None, callback


def test_optional_arguments_may_be_left_out() -> None:
    tap = tap_of(Callback("conok", ("12", "yyyyy")))
    assert tap is not None and tap.args == (12, "yyyyy", None)
    tap = tap_of(Callback("sub", ()))
    assert tap is not None and tap.args == (None,)
    assert Parent.ACCESS_COPY_SEND(12).wire() == ("12",)
    assert Everyone.MENU().wire() == () and NoArgs() == ()
