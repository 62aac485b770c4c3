"""The translation layer: every UI string is a key in one catalogue file per language.

Catalogues are flat JSON files in `workshop/locales/` (`fr.json` is the reference);
a text may hold `{name}` placeholders. Adding a language is adding one file (and the
decks' texts). A missing key is a bug: tests check every catalogue has every key.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

DEFAULT = "fr"
_FOLDER = Path(__file__).resolve().parent / "locales"


@cache
def catalogue(lang: str) -> dict[str, str]:
    with open(_FOLDER / f"{lang}.json", encoding="utf-8") as handle:
        return json.load(handle)


def languages() -> list[str]:
    return sorted(p.stem for p in _FOLDER.glob("*.json"))


def knows(key: str) -> bool:
    """Whether the reference catalogue has `key` (every catalogue has its keys: tested)."""
    return key in catalogue(DEFAULT)


def translate(lang: str, key: str, **params: object) -> str:
    """The text for `key` in `lang` (French if the language lacks it), filled with params."""
    text = catalogue(lang).get(key) or catalogue(DEFAULT).get(key)
    if text is None:
        raise KeyError(f"no text for {key!r} in the catalogues")
    return text.format(**params) if params else text


#: Which plural form a count takes, per language ("0 réponse" but "0 answers").
_ONE = {"fr": lambda n: n <= 1, "en": lambda n: n == 1}


def translate_n(lang: str, key: str, n: int, **params: object) -> str:
    """The text for a count: `key.one` or `key.other`, filled with `n` and params.

    A key may also have a `key.zero` form ("Aucune clause adoptée" rather than "0 clause
    adoptée"): it is used when n == 0 and the catalogues have it.
    """
    if n == 0 and f"{key}.zero" in catalogue(DEFAULT):
        return translate(lang, f"{key}.zero", n=n, **params)
    form = "one" if _ONE.get(lang, _ONE["en"])(n) else "other"
    return translate(lang, f"{key}.{form}", n=n, **params)


def pick(accept_language: str | None, supported: list[str]) -> str:
    """The supported language the browser asks for most (Accept-Language), else French.

    Werkzeug parses the header and matches it (`q=0` refuses a language). A regional tag
    also counts for its language at the same quality, as browsers mean it: `fr-BE` alone
    asks for French before an `en;q=0.8`. Between equal qualities (and for `*`) the
    default, French, wins.
    """
    accept = parse_accept_header(accept_language, LanguageAccept)
    widened = LanguageAccept(
        [*accept, *((re.split(r"[-_]", tag, maxsplit=1)[0], q) for tag, q in accept)]
    )
    ordered = sorted(supported, key=lambda lang: lang != DEFAULT)
    return widened.best_match(ordered, default=DEFAULT)


_BEFORE = re.compile(r" ([?!:;»])")
_AFTER = re.compile(r"« ")


def unbreakable(text: str) -> str:
    """French spacing that never breaks: the space before ? ! : ; » and after « becomes a
    no-break space, so a narrow phone never starts a line with a lone "?". Harmless in
    English, which puts no space there."""
    return _AFTER.sub("«\u00a0", _BEFORE.sub("\u00a0\\1", text))
