"""Card decks: YAML files of practices and the questions each sphere asks.

A deck is one file per language (`social-work.fr.yaml`); its key is the file's stem. The
format is defined once, by the JSON Schema `deck.schema.json` beside this module (and
explained in docs/deck-format.md). Loading reports every problem with the file, the line
and the field, in plain words, so whoever wrote the deck can fix it.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from workshop.model import LANGUAGES
from workshop.paths import resource_dir

SCHEMA_PATH = Path(__file__).resolve().parent / "deck.schema.json"


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


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
    audience: str
    spheres: dict[str, dict[str, str]]
    registers: dict[str, dict[str, str]]
    practices: tuple[dict, ...]
    path: Path

    def practice(self, practice_id: str) -> dict | None:
        return next((p for p in self.practices if p["id"] == practice_id), None)

    def register_label(self, register: str) -> str:
        return self.registers.get(register, {}).get("label", register)


def _line_of(node: yaml.Node | None, path: tuple) -> int | None:
    """The 1-based line of the value at `path` in a composed YAML tree (or of its parent)."""
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


def _key_line(node: yaml.Node | None, path: tuple, key: str) -> int | None:
    """The line of the key `key` inside the mapping at `path` (for unknown fields)."""
    for step in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            node = node.value[step] if step < len(node.value) else None
    if isinstance(node, yaml.MappingNode):
        for k, _v in node.value:
            if k.value == key:
                return k.start_mark.line + 1
    return None


def _plain(error: jsonschema.ValidationError) -> tuple[tuple, str]:
    """Turn a schema error into (path of the field, a sentence a deck writer understands)."""
    path = tuple(error.absolute_path)
    # jsonschema types these as "or Unset" for errors built by hand; ours come from a
    # validator, where they are always set.
    kind: Any = error.validator
    value: Any = error.validator_value
    schema: Any = error.schema
    instance: Any = error.instance
    if kind == "required":
        found = re.search(r"'([^']+)' is a required property", error.message)
        missing = found.group(1) if found else "?"
        return path + (missing,), "is missing; write it here"
    if kind == "additionalProperties":
        known = list(schema.get("properties", {}))
        extras = re.findall(r"'([^']+)'", error.message.split("(")[-1])
        extra = extras[0] if extras else "?"
        guess = difflib.get_close_matches(extra, known, n=1)
        hint = f" (did you mean '{guess[0]}'?)" if guess else f" (known fields: {', '.join(known)})"
        return path + (extra,), f"is not a field of this format{hint}"
    if kind == "enum":
        if len(value) > 12:
            guess = difflib.get_close_matches(str(error.instance), value, n=3)
            hint = f"; close ones: {', '.join(guess)}" if guess else ""
            return path, (
                f"'{error.instance}' is not one of the {len(value)} available "
                f"pictograms (static/icons/){hint}"
            )
        return path, f"must be one of {', '.join(map(str, value))}"
    if kind == "pattern":
        return path, "use lower-case letters, digits and dashes only"
    if kind == "type":
        words = {
            "string": "text",
            "array": "a list",
            "object": "a mapping of fields",
            "integer": "a whole number",
        }
        return path, f"must be {words.get(value, value)}"
    if kind == "minLength":
        return path, "is empty; write a short text here"
    if kind == "maxLength":
        return path, f"is {len(instance)} characters long; the limit is {value}"
    if kind == "minItems":
        return path, f"needs at least {value} item(s)"
    if kind == "maxItems":
        return path, f"has {len(instance)} items; the limit is {value}"
    if kind == "const":
        return path, f"must be {value}"
    return path, error.message


def _field(path: tuple) -> str:
    return ".".join(str(p) for p in path) or "(file)"


def load_deck(path: Path) -> Deck:
    """Read and check one deck file; raise `InvalidDeck` listing every problem."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidDeck([DeckError(name, None, "(file)", "is not UTF-8 text")]) from None
    try:
        tree = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(error, "problem", None) or str(error)
        raise InvalidDeck(
            [DeckError(name, line, "(file)", f"is not valid YAML: {problem}")]
        ) from None
    errors: list[DeckError] = []
    validator = jsonschema.Draft202012Validator(schema())
    for problem in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        field_path, message = _plain(problem)
        if problem.validator == "additionalProperties":
            line = _key_line(tree, field_path[:-1], field_path[-1])
        else:
            line = _line_of(tree, field_path)
        errors.append(DeckError(name, line, _field(field_path), message))
    if not errors and data["lang"] not in LANGUAGES:
        errors.append(
            DeckError(
                name,
                _line_of(tree, ("lang",)),
                "lang",
                f"must be one of {', '.join(LANGUAGES)} (the languages with a "
                "catalogue in workshop/locales/)",
            )
        )
    if not errors:
        seen: set[str] = set()
        for i, practice in enumerate(data["practices"]):
            if practice["id"] in seen:
                where = ("practices", i, "id")
                errors.append(
                    DeckError(
                        name,
                        _line_of(tree, where),
                        _field(where),
                        f"'{practice['id']}' is used twice; each practice needs its own id",
                    )
                )
            seen.add(practice["id"])
    if errors:
        raise InvalidDeck(errors)
    return _deck(path, data)


def _squash(value):
    """Fold the line breaks YAML keeps in plain texts; lists and mappings recursively."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return [_squash(v) for v in value]
    if isinstance(value, dict):
        return {k: _squash(v) for k, v in value.items()}
    return value


def _deck(path: Path, data: dict) -> Deck:
    data = _squash(data)
    return Deck(
        key=path.name.rsplit(".", 1)[0],
        id=data["id"],
        lang=data["lang"],
        title=data["title"],
        description=data.get("description", ""),
        audience=data.get("audience", "team"),
        spheres=data["spheres"],
        registers=data.get("registers", {}),
        practices=tuple(data["practices"]),
        path=path,
    )


def short_title(practice: dict) -> str:
    """The practice's label on the projector's overview: its `short`, or else its title."""
    return practice.get("short") or practice["title"]


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
