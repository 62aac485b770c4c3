"""Reading an archive's fields: each reader returns the value it checked, or refuses.

`format.py` writes its checks with these: `At` is one object of the archive and where it
stands ("clauses[2].rounds[0]"), and a refusal names that place, so the facilitator reads
where the file is damaged. Pure, like the format.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import NoReturn

from workshop.model import Invalid

#: A deck's text (a card's, a sphere's): decks written elsewhere may be longer than ours.
MAX_DECK_TEXT = 2_000
#: A card's lists (alternatives, prescriptions, sources), and keys this version ignores.
MAX_DECK_LIST = 50
#: Ids, codes, languages, deck keys, time stamps.
MAX_SHORT = 64
#: How deep a value under a key this version does not know may go (it is kept as is).
MAX_EXTRA_DEPTH = 3

#: A practice's id, as a deck writes it (room practices are `room-<n>`); pictograms too.
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


class At:
    """An object of the archive and where it is ("clauses[2].rounds[0]"): its fields,
    each read and checked by name. Where a field is is only spelled out to refuse it."""

    __slots__ = ("obj_", "_parent", "_index")

    def __init__(self, obj: object, parent: str, index: int | None = None) -> None:
        self._parent, self._index = parent, index
        if type(obj) is not dict:
            refuse(self.where)
        self.obj_: dict = obj

    @property
    def where(self) -> str:
        return self._parent if self._index is None else f"{self._parent}[{self._index}]"

    def at(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def get(self, key: str) -> object:
        """The field `key`, which must be there."""
        if key not in self.obj_:
            refuse(self.at(key))
        return self.obj_[key]

    def obj(self, key: str) -> At:
        return At(self.get(key), self.at(key))

    def each(self, key: str, limit: int, optional: bool = False):
        """The objects of the list `key`, at most `limit` of them."""
        items = self.obj_.get(key, []) if optional else self.get(key)
        where = self.at(key)
        for i, item in bounded_items(items, where, limit):
            yield At(item, where, i)

    def text(self, key: str, limit: int) -> str:
        value = self.get(key)
        if not is_text(value, limit):
            refuse(self.at(key))
        return value  # type: ignore[return-value]

    def texts_list(self, key: str, items: float, limit: int) -> None:
        """The list `key` of at most `items` texts."""
        for i, text in bounded_items(self.get(key), self.at(key), items):
            check_text(text, f"{self.at(key)}[{i}]", limit)

    def slug(self, key: str) -> str:
        """Lower-case letters, digits and dashes: a practice's id, a pictogram."""
        value = self.get(key)
        if type(value) is not str or not SLUG.fullmatch(value):
            refuse(self.at(key))
        return value

    def texts(self, keys: tuple, limit: int) -> None:
        """The optional texts `keys`, when present."""
        for key in keys:
            if key in self.obj_:
                self.text(key, limit)

    def int(self, key: str, low: int = 0, high: float = math.inf) -> int:
        value = self.get(key)
        if not is_int(value) or not low <= value <= high:  # type: ignore[operator]
            refuse(self.at(key))
        return value  # type: ignore[return-value]

    def number(self, key: str) -> float:
        value = self.get(key)
        if not (is_int(value) or type(value) is float) or not math.isfinite(value):  # type: ignore[arg-type]
            refuse(self.at(key))
        return value  # type: ignore[return-value]

    def choice(self, key: str, allowed: frozenset) -> str:
        return check_choice(self.get(key), self.at(key), allowed)

    def stamp(self, key: str) -> str:
        """An ISO 8601 date-time ("2026-11-28T14:00:00+00:00")."""
        text = self.text(key, MAX_SHORT)
        try:
            datetime.fromisoformat(text)
        except ValueError:
            refuse(self.at(key))
        return text

    def practice_or_none(self) -> None:
        """`practice`: a practice's id, or null (the whole charter)."""
        if self.get("practice") is not None:
            self.text("practice", MAX_SHORT)

    def languages(self):
        """The objects of `i18n`, by language: the deck's other languages, when present."""
        if self.obj_.get("i18n") is not None:
            for lang, _own in bounded_entries(self.obj_["i18n"], self.at("i18n"), MAX_DECK_LIST):
                yield At(self.obj_["i18n"][lang], self.at(f"i18n.{lang}"))

    def extras(self, known: tuple) -> None:
        """Keys this version does not know, in a part stored whole: kept, but bounded."""
        extra = {k: v for k, v in self.obj_.items() if k not in known}
        for key, value in bounded_entries(extra, self.where, MAX_DECK_LIST):
            check_plain(value, self.at(key), MAX_EXTRA_DEPTH)


def refuse(where: str) -> NoReturn:
    raise Invalid("error.archive_invalid", where=where)


def bounded_items(value: object, where: str, limit: float):
    """(index, item) of a list of at most `limit` items."""
    if type(value) is not list or len(value) > limit:
        refuse(where)
    return enumerate(value)


def bounded_entries(value: object, where: str, limit: int):
    """(key, value) of an object of at most `limit` keys, each a text."""
    if type(value) is not dict or len(value) > limit:
        refuse(where)
    for key in value:
        check_text(key, where, MAX_SHORT)
    return value.items()


def check_all_texts(value: object, where: str) -> None:
    """An object whose every value is a text: a card's or a sphere's other language."""
    for key, text in bounded_entries(value, where, MAX_DECK_LIST):
        check_text(text, f"{where}.{key}", MAX_DECK_TEXT)


def is_text(value: object, limit: int) -> bool:
    """A string of at most `limit` characters that can be written as UTF-8 (JSON lets a
    lone surrogate, "\\ud800", through; the database cannot store it)."""
    if type(value) is not str or len(value) > limit:
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_text(value: object, where: str, limit: int) -> None:
    if not is_text(value, limit):
        refuse(where)


def is_int(value: object) -> bool:
    """A whole number (JSON's true and false are not numbers)."""
    return type(value) is int


def check_choice(value: object, where: str, allowed: frozenset) -> str:
    """One of a closed list (texts only: a list in JSON is no member of any)."""
    if type(value) is not str or value not in allowed:
        refuse(where)
    return value


def check_plain(value: object, where: str, depth: int) -> None:
    """Any JSON value, if small: texts, finite numbers, short and shallow lists and objects."""
    if value is None or isinstance(value, (bool, int)):
        return
    if isinstance(value, float) and math.isfinite(value):
        return
    if isinstance(value, str):
        check_text(value, where, MAX_DECK_TEXT)
    elif depth > 0 and isinstance(value, list):
        for i, item in bounded_items(value, where, MAX_DECK_LIST):
            check_plain(item, f"{where}[{i}]", depth - 1)
    elif depth > 0 and isinstance(value, dict):
        for key, item in bounded_entries(value, where, MAX_DECK_LIST):
            check_plain(item, f"{where}.{key}", depth - 1)
    else:
        refuse(where)
