"""Card decks: YAML files of practices and the questions each sphere asks.

A deck is one file per language (`social-work.fr.yaml`); its key is the file's stem.
Loading checks what the server relies on and reports every problem with the file, the
line and the field, in plain words, so whoever wrote the deck can fix it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from workshop.model import LANGUAGES, Sphere
from workshop.paths import resource_dir

REGISTERS = ("computerisation", "mediatisation", "information", "mediation")
PRACTICE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@dataclass(frozen=True)
class DeckError:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}"


class InvalidDeck(ValueError):
    def __init__(self, errors: list[DeckError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Deck:
    key: str
    id: str
    lang: str
    title: str
    description: str
    spheres: dict[str, dict[str, str]]
    registers: dict[str, str]
    practices: tuple[dict, ...] = field(default=())

    def practice(self, practice_id: str) -> dict | None:
        return next((p for p in self.practices if p["id"] == practice_id), None)


def _line_of(node: yaml.Node | None, path: tuple) -> int | None:
    """The 1-based line of the value at `path` in a composed YAML tree, or its parent's."""
    line = node.start_mark.line + 1 if node is not None else None
    for step in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            node = node.value[step] if step < len(node.value) else None
        else:
            node = None
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def load_deck(path: Path) -> Deck:
    """Read and check one deck file; raise `InvalidDeck` listing every problem."""
    name = str(path)
    text = path.read_text(encoding="utf-8")
    try:
        tree = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise InvalidDeck([DeckError(name, line, "(file)", f"not valid YAML: {error}")]) from None
    errors: list[DeckError] = []

    def fail(path_: tuple, message: str) -> None:
        field_name = ".".join(str(p) for p in path_) or "(file)"
        errors.append(DeckError(name, _line_of(tree, path_), field_name, message))

    def text_at(mapping: dict, path_: tuple, key: str, required: bool = True) -> str:
        value = mapping.get(key) if isinstance(mapping, dict) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                fail(path_ + (key,), "is missing; write a short text here")
            return ""
        if not isinstance(value, str):
            fail(path_ + (key,), "must be text")
            return ""
        return " ".join(value.split())

    if not isinstance(data, dict):
        raise InvalidDeck([DeckError(name, 1, "(file)", "a deck is a mapping of fields")])
    deck_id = text_at(data, (), "id")
    lang = text_at(data, (), "lang")
    if lang and lang not in LANGUAGES:
        fail(("lang",), f"must be one of {', '.join(LANGUAGES)}")
    title = text_at(data, (), "title")
    description = text_at(data, (), "description", required=False)

    spheres: dict[str, dict[str, str]] = {}
    raw_spheres = data.get("spheres")
    if not isinstance(raw_spheres, dict):
        fail(("spheres",), "must list the three spheres: means, values, prescriptions")
        raw_spheres = {}
    for sphere in Sphere:
        entry = raw_spheres.get(sphere.value)
        if not isinstance(entry, dict):
            if raw_spheres:
                fail(("spheres", sphere.value), "is missing (label and question)")
            continue
        spheres[sphere.value] = {
            "label": text_at(entry, ("spheres", sphere.value), "label"),
            "question": text_at(entry, ("spheres", sphere.value), "question"),
        }

    registers = data.get("registers") or {}
    if not isinstance(registers, dict) or set(registers) - set(REGISTERS):
        fail(("registers",), f"may only name {', '.join(REGISTERS)}")
        registers = {}

    practices: list[dict] = []
    raw_practices = data.get("practices")
    if not isinstance(raw_practices, list) or not raw_practices:
        fail(("practices",), "must be a list with at least one practice")
        raw_practices = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_practices):
        where = ("practices", i)
        if not isinstance(raw, dict):
            fail(where, "each practice is a mapping with id, register, title, description")
            continue
        pid = text_at(raw, where, "id")
        if pid and not PRACTICE_ID.match(pid):
            fail(where + ("id",), "use lower-case letters, digits and dashes only")
        elif pid in seen:
            fail(where + ("id",), f"'{pid}' is used twice; each practice needs its own id")
        seen.add(pid)
        register = text_at(raw, where, "register")
        if register and register not in REGISTERS:
            fail(where + ("register",), f"must be one of {', '.join(REGISTERS)}")
        practice = {
            "id": pid,
            "register": register,
            "title": text_at(raw, where, "title"),
            "description": text_at(raw, where, "description"),
        }
        practices.append(practice)
    if errors:
        raise InvalidDeck(errors)
    return Deck(
        path.name.removesuffix(".yaml").removesuffix(".yml"),
        deck_id,
        lang,
        title,
        description,
        spheres,
        dict(registers),
        tuple(practices),
    )


def deck_folders(extra: list[Path] | None = None) -> list[Path]:
    return [resource_dir("card_decks"), *(extra or [])]


def available_decks(
    extra: list[Path] | None = None, problems: list[DeckError] | None = None
) -> dict[str, Deck]:
    """Every valid deck, by key; the user's folders override shipped decks of the same key.

    Invalid files are left out and their errors appended to `problems`, so one broken
    deck never keeps a workshop from starting.
    """
    decks: dict[str, Deck] = {}
    for folder in deck_folders(extra):
        for path in sorted(Path(folder).glob("*.y*ml")):
            try:
                deck = load_deck(path)
            except InvalidDeck as error:
                if problems is not None:
                    problems.extend(error.errors)
                continue
            decks[deck.key] = deck
    return decks
