"""Every button the bot draws: a readable name, the short code its callback data carries
(at most 64 bytes in all, handlers.callbacks) and the arguments after it, typed.

A screen draws a button with ``context.button(user, label, Staff.EXTEND_BY(case_id, 2))``
(mypy checks the arguments); handlers.gate decodes a tap once into a ``Tap`` of the action
and its typed arguments, and handlers.router hands it to the screen routed for the action.
The buttons under queued notices are named by the domain with ``bot.outbox.NoticeAction``,
whose value is their code here; they keep working after newer screens (``lasting``).
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, ParamSpec, TypeVar

from bot.outbox import NoticeAction
from handlers.callbacks import Callback

P = ParamSpec("P")
A = TypeVar("A", bound=tuple[Any, ...])

_INT = re.compile(r"-?[0-9]+")


def _int(raw: str) -> int | None:
    return int(raw) if _INT.fullmatch(raw) else None


def _str(raw: str) -> str | None:
    return raw


_PARSERS: dict[object, Callable[[str], object]] = {int: _int, str: _str}


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    parse: Callable[[str], object]
    required: bool


def _fields(args: type[tuple[Any, ...]]) -> tuple[_Field, ...]:
    """The arguments a NamedTuple declares: int or str, optional (``| None = None``) only
    after the required ones."""
    hints = typing.get_type_hints(args)
    defaults: dict[str, object] = getattr(args, "_field_defaults", {})
    fields: list[_Field] = []
    for name in getattr(args, "_fields", ()):
        hint, required = hints[name], name not in defaults
        if isinstance(hint, types.UnionType) and type(None) in hint.__args__:
            hint = next(h for h in hint.__args__ if h is not type(None))
            if required or defaults[name] is not None:
                raise TypeError(f"{args.__name__}.{name}: an optional argument defaults to None")
        if hint not in _PARSERS:
            raise TypeError(f"{args.__name__}.{name}: a button argument is an int or a str")
        if required and fields and not fields[-1].required:
            raise TypeError(f"{args.__name__}.{name}: a required argument after an optional one")
        fields.append(_Field(name, _PARSERS[hint], required))
    return tuple(fields)


class Action(Generic[P, A]):
    """One kind of button: ``code`` on the wire, ``args`` (a NamedTuple) after it."""

    def __init__(self, code: str, args: Callable[P, A]) -> None:
        self.code = str(code)
        self.name = self.code
        self.lasting = isinstance(code, NoticeAction)
        """Under a queued notice: it works while the message is not the newest screen."""
        self._args = args
        self.arguments = typing.cast(type[tuple[Any, ...]], args)
        """The NamedTuple of the arguments after the code."""
        self._fields = _fields(self.arguments)

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = f"{owner.__name__}.{name}"

    def __repr__(self) -> str:
        return f"<{self.name} {self.code!r}>"

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> Press:
        """This button with these arguments, for ``BotContext.button``."""
        return Press(self, self._args(*args, **kwargs))

    def wire(self, args: tuple[Any, ...]) -> tuple[str, ...]:
        """The arguments as the callback data carries them (optional ones left out)."""
        given = [value for value in args if value is not None]
        if list(args[: len(given)]) != given:
            raise ValueError(f"{self.name}: an argument after one left out")
        return tuple(map(str, given))

    def parse(self, raw: tuple[str, ...]) -> A | None:
        """The typed arguments, or None when ``raw`` is not what this action carries."""
        if len(raw) > len(self._fields):
            return None
        values: list[object] = []
        for index, field in enumerate(self._fields):
            if index >= len(raw):
                if field.required:
                    return None
                values.append(None)
                continue
            value = field.parse(raw[index])
            if value is None:
                return None
            values.append(value)
        return typing.cast(Callable[..., A], self._args)(*values)


@dataclass(frozen=True, slots=True)
class Press:
    """A button to draw: its action and arguments."""

    action: Action[Any, Any]
    args: tuple[Any, ...]

    def wire(self) -> tuple[str, ...]:
        return self.action.wire(self.args)


@dataclass(frozen=True, slots=True)
class Tap:
    """A tapped button, decoded: its action and typed arguments."""

    action: Action[Any, Any]
    args: tuple[Any, ...]


# --- the arguments ------------------------------------------------------------------------


class NoArgs(NamedTuple):
    pass


class ForCase(NamedTuple):
    case: int


class ForChild(NamedTuple):
    child: int


class ForGroup(NamedTuple):
    group: int


class Choice(NamedTuple):
    """One of a list (a legal ground, an outcome, a recipient) by its place in the list."""

    case: int
    position: int


class Marked(NamedTuple):
    """Items ticked in a list of checkboxes, one bit each."""

    child: int
    mask: int


class KeptData(NamedTuple):
    case: int
    mask: int


class LanguageCode(NamedTuple):
    code: str


class YesNo(NamedTuple):
    answer: str
    """"yes" or "no"."""


class Flow(NamedTuple):
    """A flow of the parents' menu: access, correct, delete, restrict, object, consent."""

    flow: str


class CopyVia(NamedTuple):
    """How the parent wants to receive the copy of the dossier: bot, school or email."""

    child: int
    delivery: str


class CopySending(NamedTuple):
    """A dossier copy request to send, with the key that sends it once and how the parent
    receives the copy (left out on buttons drawn before the parent could choose: the bot)."""

    child: int
    key: str | None = None
    delivery: str | None = None


class ChildCategory(NamedTuple):
    child: int
    category: str


class DraftKey(NamedTuple):
    key: str | None = None


class ConsentChoices(NamedTuple):
    """One letter per photo purpose: y given, n not given, u not answered."""

    child: int
    choices: str | None = None
    key: str | None = None


class QueuePage(NamedTuple):
    scope: str
    page: int


class ExtendBy(NamedTuple):
    case: int
    months: int


class AssignTo(NamedTuple):
    case: int
    staff: int


class ForRequest(NamedTuple):
    """A question of a consent round to one guardian about one child."""

    request: int


class RoundSelection(NamedTuple):
    """A round's question with the guardian's choices so far (bot.domain.rounds.model:
    one base-3 digit per purpose)."""

    request: int
    selection: int


class ForStaff(NamedTuple):
    staff: int


class StaffGroups(NamedTuple):
    """A teacher's groups being chosen: the school's groups ticked, one bit each (None: the
    groups they teach now)."""

    staff: int
    mask: int | None = None


class ForRound(NamedTuple):
    """A consent round (its id)."""

    round: int


class Position(NamedTuple):
    """An item of a list on the screen (a purpose, a school) by its place in the list."""

    position: int


class ConsentList(NamedTuple):
    group: int
    purpose: str
    """A photo purpose's key, or "" for all."""


class GroupPage(NamedTuple):
    group: int
    page: int


class GroupPurpose(NamedTuple):
    group: int
    purpose: str


class Page(NamedTuple):
    page: int


class PaperForm(NamedTuple):
    """A paper form being recorded: the child, the guardian who signed, one letter per
    consent purpose (y yes, n no, u left open)."""

    child: int
    guardian: int
    choices: str | None = None


class PaperConfirm(NamedTuple):
    child: int
    guardian: int
    choices: str
    key: str


# --- the buttons --------------------------------------------------------------------------


class Everyone:
    """Buttons of the menu and the account, for parents and staff alike."""

    MENU = Action("menu", NoArgs)
    PRIVACY = Action("privacy", NoArgs)
    LANGUAGES = Action("language", NoArgs)
    LANGUAGE = Action("lang", LanguageCode)
    UNLINK = Action("forget", YesNo)


class Parent:
    """The parents' screens."""

    START = Action("flow", Flow)
    ACCESS = Action("acc", ForChild)
    ACCESS_COPY = Action("accreq", ForChild)
    ACCESS_COPY_VIA = Action("accvia", CopyVia)
    ACCESS_COPY_SEND = Action("accok", CopySending)
    CORRECT = Action("cor", ForChild)
    CORRECT_CATEGORY = Action("corcat", ChildCategory)
    DELETE = Action("del", Marked)
    DELETE_CHOSEN = Action("delnext", Marked)
    RESTRICT = Action("res", ForChild)
    RESTRICT_CATEGORY = Action("rescat", ChildCategory)
    OBJECT = Action("obj", ForChild)
    OBJECT_CATEGORY = Action("objcat", ChildCategory)
    REQUEST_SEND = Action("sub", DraftKey)
    REQUEST_EDIT = Action("edit", NoArgs)
    REQUEST_DROP = Action("drop", NoArgs)
    CONSENT = Action("con", ConsentChoices)
    CONSENT_REVIEW = Action("conrev", ConsentChoices)
    CONSENT_CONFIRM = Action("conok", ConsentChoices)
    LEDGER = Action("ledger", ForChild)
    MY_REQUESTS = Action("my", NoArgs)
    REQUEST = Action("case", ForCase)
    WITHDRAW = Action("wd", ForCase)
    WITHDRAW_CONFIRMED = Action("wdok", ForCase)
    RECEIVED = Action("rcv", ForCase)
    RECEIVED_DELIVERY = Action(NoticeAction.CONFIRM_RECEIPT, ForCase)
    RESEND_DOCUMENTS = Action("docs", ForCase)
    ROUND_QUESTION = Action(NoticeAction.ROUND_QUESTION, ForRequest)
    ROUND_CHOOSE = Action(NoticeAction.ROUND_CHOOSE, RoundSelection)
    ROUND_SEND = Action(NoticeAction.ROUND_SEND, RoundSelection)
    ROUND_KEEP = Action(NoticeAction.ROUND_KEEP, ForRequest)


class Staff:
    """The staff screens: the queue, a request and its actions, the consent lists."""

    QUEUE = Action("q", QueuePage)
    COUNTS = Action("cnt", NoArgs)
    CASE = Action("sc", ForCase)
    CASE_FROM_NOTICE = Action(NoticeAction.OPEN_CASE, ForCase)
    TAKE = Action("st", ForCase)
    NOTE = Action("sn", ForCase)
    EXTEND = Action("se", ForCase)
    EXTEND_BY = Action("sem", ExtendBy)
    ESCALATE = Action("sesc", ForCase)
    ESCALATE_CONFIRMED = Action("sescok", ForCase)
    ASSIGN = Action("sa", ForCase)
    ASSIGN_TO = Action("saok", AssignTo)
    REJECT = Action("sj", ForCase)
    REJECT_ON_GROUND = Action("sjg", Choice)
    RESOLVE = Action("sr", ForCase)
    RESOLVE_OUTCOME = Action("sro", Choice)
    RESOLVE_KEPT = Action("srk", KeptData)
    RESOLVE_KEPT_CHOSEN = Action("srkok", KeptData)
    RESOLVE_NO_MESSAGE = Action("srn", ForCase)
    CONFIRM = Action("sok", ForCase)
    CANCEL = Action("sx", ForCase)
    ATTACH = Action("sat", ForCase)
    INFORMED = Action("sinf", Choice)
    NOT_APPLICABLE = Action("sna", Choice)
    LIFT = Action("slift", ForCase)
    CONSENT_LISTS = Action("stcons", NoArgs)
    CONSENT_LIST = Action("stc", ConsentList)
    CONSENT_CSV = Action("stcsv", ForGroup)
    PHOTO_CHECK = Action("pc", ForGroup)
    PHOTO_PURPOSE = Action("pcp", GroupPurpose)
    PHOTO_TOGGLE = Action("pct", ForChild)
    PHOTO_PAGE = Action("pcg", Page)
    PHOTO_GROUP = Action("pcgr", ForGroup)
    PHOTO_RUN = Action("pcr", NoArgs)
    PUPILS = Action("pup", GroupPage)
    PUPIL = Action("pu", ForChild)
    PAPER = Action("pa", ForChild)
    PAPER_FORM = Action("paf", PaperForm)
    PAPER_REVIEW = Action("par", PaperForm)
    PAPER_CONFIRM = Action("pao", PaperConfirm)
    TEAM = Action("tm", NoArgs)
    TEAM_MEMBER = Action("tmm", ForStaff)
    TEAM_REMOVE = Action("tmr", ForStaff)
    TEAM_REMOVE_CONFIRMED = Action("tmrok", ForStaff)
    TEAM_GROUPS = Action("tmg", StaffGroups)
    TEAM_GROUPS_SAVE = Action("tmgok", StaffGroups)
    TEAM_CODE = Action("tmc", ForStaff)
    TEAM_CODE_CONFIRMED = Action("tmcok", ForStaff)
    ROUNDS = Action("srl", NoArgs)
    ROUNDS_COUNTS = Action("srln", NoArgs)
    ROUND = Action("srd", ForRound)
    ROUND_CLOSE = Action("srdc", ForRound)
    ROUND_CLOSE_CONFIRMED = Action("srdcok", ForRound)
    ROUND_CANCEL = Action("srdx", ForRound)
    ROUND_CANCEL_CONFIRMED = Action("srdxok", ForRound)
    ROUND_CSV = Action("srdcsv", ForRound)
    DRAFT = Action("srnew", NoArgs)
    DRAFT_SHOW = Action("srnv", NoArgs)
    DRAFT_SCHOOL = Action("srns", Position)
    DRAFT_PURPOSE = Action("srnp", Position)
    DRAFT_AUDIENCE = Action("srna", NoArgs)
    DRAFT_MESSAGE = Action("srnm", LanguageCode)
    DRAFT_NO_MESSAGE = Action("srnm0", NoArgs)
    DRAFT_DATE = Action("srnd", NoArgs)
    DRAFT_PREVIEW = Action("srnpv", NoArgs)
    DRAFT_START = Action("srnok", DraftKey)
    DRAFT_DROP = Action("srnx", NoArgs)


def _declared() -> Iterator[Action[Any, Any]]:
    for room in (Everyone, Parent, Staff):
        yield from (a for a in vars(room).values() if isinstance(a, Action))


ALL: tuple[Action[Any, Any], ...] = tuple(_declared())
_BY_CODE: dict[str, Action[Any, Any]] = {a.code: a for a in ALL}
if len(_BY_CODE) != len(ALL):
    raise TypeError("two buttons share a code")


def for_notice(action: NoticeAction) -> Action[Any, Any]:
    """The button a queued notice names."""
    return _BY_CODE[action.value]


def tap_of(callback: Callback) -> Tap | None:
    """The action and typed arguments of callback data made by the codec for this person;
    None when this version has no such action or its arguments do not fit."""
    action = _BY_CODE.get(callback.action)
    args = action.parse(callback.args) if action is not None else None
    return Tap(action, args) if action is not None and args is not None else None
