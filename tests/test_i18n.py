"""Every UI string goes through the catalogues, complete in French and English."""

import re
import string
from pathlib import Path

import pytest

from workshop import i18n
from workshop.paths import resource_dir


def placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogues_have_the_same_keys_and_placeholders():
    fr, en = i18n.catalogue("fr"), i18n.catalogue("en")
    assert set(fr) == set(en)
    for key in fr:
        assert placeholders(fr[key]) == placeholders(en[key]), key
        assert fr[key].strip() and en[key].strip(), key


def _used_keys():
    """Keys the templates and the code ask for; `prefix.` + variable names a family."""
    sources = list(resource_dir("templates").rglob("*.html"))
    sources += list(Path(i18n.__file__).parent.rglob("*.py"))
    keys = set()
    pattern = re.compile(
        r"""(?:_n?\(|Invalid\(|translate\(lang, |"key": )\s*['"]([a-z_]+\.[a-z_.]+)['"]"""
    )
    for path in sources:
        keys |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return keys


def test_every_key_used_exists():
    catalogue = i18n.catalogue("fr")
    families = {k.rsplit(".", 1)[0] + "." for k in catalogue}
    used = _used_keys()
    assert len(used) > 80  # the scan itself works
    for key in used:
        plural = f"{key}.one" in catalogue and f"{key}.other" in catalogue
        assert key in catalogue or plural or key in families or key.endswith("."), key


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_plural_forms(lang):
    assert i18n.translate_n(lang, "map.answers", 1) in {"1 réponse", "1 answer"}
    assert i18n.translate_n(lang, "map.answers", 2) in {"2 réponses", "2 answers"}
    zero = i18n.translate_n(lang, "map.answers", 0)
    assert zero == ("0 réponse" if lang == "fr" else "0 answers")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_zero_form_is_used_for_none_when_the_key_has_one(lang):
    zero = i18n.translate_n(lang, "nego.adopted_count", 0)
    assert zero == ("Aucune clause adoptée" if lang == "fr" else "No clause adopted yet")
    one = i18n.translate_n(lang, "nego.adopted_count", 1)
    assert one == ("1 clause adoptée" if lang == "fr" else "1 clause adopted")
    assert "0" not in i18n.translate_n(lang, "facilitator.participants", 0)
    assert i18n.translate_n(lang, "map.answers", 0).startswith("0 ")  # no zero form: a number


def test_zero_forms_come_with_their_one_and_other_forms():
    for key in i18n.catalogue("fr"):
        if key.endswith(".zero"):
            family = key.removesuffix(".zero")
            assert {f"{family}.one", f"{family}.other"} <= set(i18n.catalogue("fr")), key


def test_templates_hold_no_bare_text():
    """Text between tags must come from the catalogue (`{{ _('…') }}`), not be typed in."""
    allowed = {"·", "Sphères", ":", "/", "F", "C", "R"}  # F, C, R: the projector's keys
    tag_text = re.compile(r">([^<>{}]*[A-Za-zÀ-ÿ][^<>{}]*)<")
    for path in resource_dir("templates").rglob("*.html"):
        source = re.sub(r"{#.*?#}", "", path.read_text(encoding="utf-8"), flags=re.S)
        source = re.sub(r"{%.*?%}|{{.*?}}", "", source, flags=re.S)
        for match in tag_text.findall(source):
            assert match.strip() in allowed, f"{path.name}: {match.strip()!r}"


def test_accept_language_picks_a_supported_language():
    assert i18n.pick("en-GB,en;q=0.9", ["en", "fr"]) == "en"
    assert i18n.pick("de-DE", ["en", "fr"]) == "fr"
    assert i18n.pick(None, ["en", "fr"]) == "fr"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-BE,fr;q=0.9,en;q=0.8", "fr"),
        ("en-GB", "en"),
        ("EN-us", "en"),
        ("de", "fr"),  # no supported language: the default
        ("en;q=0.3,fr;q=0.7", "fr"),
        ("fr;q=0.3,en;q=0.7", "en"),
        ("fr;q=0,en;q=0.1", "en"),  # quality 0 refuses French
        ("en;q=0", "fr"),  # English refused, nothing else asked: the default
        ("en;q=0,de", "fr"),
        ("fr-BE,en;q=0.8", "fr"),  # a regional tag counts for its language
        ("en-GB,fr;q=0.5", "en"),
        ("fr,en", "fr"),  # equal qualities: the default
        ("*", "fr"),
        ("de,*;q=0.1", "fr"),
        ("", "fr"),
        ("garbage;;q=x,,", "fr"),
    ],
)
def test_accept_language_quality_values(header, expected):
    assert i18n.pick(header, ["en", "fr"]) == expected
    assert i18n.pick(header, ["fr", "en"]) == expected  # the order given does not matter


def test_pick_keeps_i18n_free_of_flask():
    source = Path(i18n.__file__).read_text(encoding="utf-8")
    assert "flask" not in source.lower()


def test_french_spacing_never_breaks_before_a_question_mark():
    text = "Qui lit les messages ? « Personne » : c'est sûr ; vraiment !"
    spaced = i18n.unbreakable(text)
    assert spaced == (
        "Qui lit les messages\u00a0? «\u00a0Personne\u00a0»\u00a0: c'est sûr\u00a0; vraiment\u00a0!"
    )
    assert i18n.unbreakable("Who reads them? Nobody: sure.") == "Who reads them? Nobody: sure."


def test_french_pages_keep_their_spacing_whole(client, store, make_workshop, join):
    """The interface's own words too, not only the decks': on a French phone a question
    mark never starts a line alone."""
    workshop = make_workshop(phase="negotiation", easy=True)
    store.set_focus(workshop.id, workshop.practices[0]["id"])
    phone, _ = join(workshop)
    page = phone.get(f"/j/{workshop.code}").get_data(as_text=True)
    assert "Vous avez une idée de règle\u00a0? Écrivez-la ici." in page
    shown = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", page, flags=re.S)
    assert not re.search(r"\w [?!:;»]", shown)


def test_english_pages_put_no_space_before_a_colon(client, store, make_workshop, join):
    workshop = make_workshop(phase="negotiation", lang="en")
    store.set_focus(workshop.id, workshop.practices[0]["id"])
    phone, _ = join(workshop)
    page = phone.get(f"/j/{workshop.code}", headers={"Accept-Language": "en"})
    assert re.search(r"<b>Means</b>:\s+Fine 0", page.get_data(as_text=True))
