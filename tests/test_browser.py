"""Headless Chromium (Debian's, through Playwright): the facilitator, two phones, a projector."""

from __future__ import annotations

import os
import re
import shutil

import pytest
from serverproc import Server, wait_for

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]
SPHERES = ["means", "values", "prescriptions"]
PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI: apt-get install -y chromium")
        pytest.skip("no chromium on PATH (Debian: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def server(tmp_path):
    server = Server(tmp_path / "data").start()
    yield server
    server.stop()


def new_page(browser, **options):
    context = browser.new_context(locale="fr-FR", **options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.errors = errors
    return page


PRACTICES = (
    "Nous photographions les papiers d'identité avec un téléphone",
    "Une IA générative aide à rédiger les rapports sociaux",
    "Nous parlons avec les personnes sur WhatsApp",
)


def create_workshop(page, server, title="Atelier du lundi"):
    """Create a workshop of three practices (none is ticked at first), moving the AI one
    before the ID photos one."""
    page.goto(server.facilitator_url)
    page.get_by_role("link", name="Créer un atelier").click()
    page.get_by_label("Titre de l'atelier").fill(title)
    assert page.locator("#chosen-count").inner_text() == "Aucune pratique choisie"
    for label in PRACTICES:
        page.get_by_role("checkbox", name=label).check()
    assert page.locator("#chosen-count").inner_text() == "3 pratiques choisies"
    page.get_by_label("Chercher un mot").fill("whatsapp")  # filters as one types
    assert page.get_by_role("checkbox", name=PRACTICES[2]).is_visible()
    assert not page.get_by_role("checkbox", name=PRACTICES[1]).is_visible()
    page.get_by_label("Chercher un mot").fill("")
    page.get_by_role("button", name=f"Monter « {PRACTICES[1]} »").click()
    page.get_by_role("button", name="Créer l'atelier").click()
    page.wait_for_url(re.compile(r"/f/w/[A-Z0-9]{5}$"))
    return page.url.rsplit("/", 1)[1]


def test_a_workshop_from_creation_to_the_revealed_map(browser, server):
    facilitator = new_page(browser, viewport={"width": 1280, "height": 900})
    code = create_workshop(facilitator, server)
    join_url = facilitator.locator(".join-url").first.inner_text()
    assert join_url == f"{server.base}/j/{code}"

    projector = new_page(browser, viewport={"width": 1366, "height": 768})
    projector.goto(f"{server.base}/s/{code}")
    assert projector.locator(".code.huge").inner_text() == code
    assert projector.locator("svg.qr").is_visible()

    phones = [new_page(browser, **PHONE) for _ in range(2)]
    for phone in phones:
        phone.goto(join_url)
        phone.get_by_role("button", name="Entrer dans l'atelier").click()
        phone.get_by_role("heading", name="Vous êtes dans l'atelier").wait_for()
    wait_for(lambda: projector.locator(".join-count [data-field=participants]").inner_text() == "2")

    facilitator.get_by_role("button", name="Ouvrir les réponses individuelles").click()
    for phone in phones:  # every phone follows the phase by itself
        phone.get_by_role("link", name="Commencer").click()
        phone.get_by_text("Carte 1 sur 3").wait_for()

    first, second = phones
    first.locator(".sphere-means .choice-problem").click()
    first.locator(".sphere-means .save-status").get_by_text("Enregistré").wait_for()
    first.locator(".sphere-values").get_by_text("Commenter").click()  # opened on demand
    first.locator("#values-comment").fill("Les messages restent sur nos téléphones perso")
    first.locator(".sphere-values .choice-discuss").click()
    first.locator(".sphere-values .save-status").get_by_text("Enregistré").wait_for()
    second.locator(".sphere-means .choice-problem").click()
    second.get_by_role("button", name="Carte suivante").click()
    second.get_by_text("Carte 2 sur 3").wait_for()
    assert second.locator("h1").inner_text() == PRACTICES[1]  # the order set at creation

    # Hidden until revealed: the projector shows counts only.
    wait_for(
        lambda: (
            projector.locator("[data-field=answers], [data-field=started]").first.inner_text()
            == "2"
        )
    )
    assert projector.locator(".tile").count() == 0
    facilitator.get_by_role("button", name="Montrer la carte").click()
    projector.locator(".tile").first.wait_for()
    assert projector.locator(".tile-link").count() == 3  # every practice at once
    projector.locator(".tile-link", has_text="WhatsApp avec les personnes").click()
    focus = projector.locator("article.focus")
    focus.wait_for()
    assert focus.locator("h2").inner_text() == PRACTICES[2]
    spheres = focus.locator(".sphere-block")
    assert spheres.nth(0).locator(".count-problem b").inner_text() == "2"
    assert spheres.nth(1).locator(".count-discuss b").inner_text() == "1"
    assert "Les messages restent sur nos téléphones perso" in focus.inner_text()
    projector.keyboard.press("Escape")  # back to the overview, on this screen only
    projector.locator(".tile").first.wait_for()
    first.get_by_role("heading", name="La carte du groupe").wait_for()
    for page in (facilitator, projector, *phones):
        assert page.errors == []


def test_a_phone_without_javascript_takes_part(browser, server):
    facilitator = new_page(browser)
    code = create_workshop(facilitator, server)
    facilitator.get_by_role("button", name="Ouvrir les réponses individuelles").click()
    old_phone = new_page(browser, java_script_enabled=False, **PHONE)
    old_phone.goto(f"{server.base}/j/{code}")
    old_phone.get_by_label("Un pseudonyme (facultatif)").fill("Dominique")
    old_phone.get_by_role("button", name="Entrer dans l'atelier").click()
    old_phone.get_by_role("link", name="Commencer").click()
    old_phone.locator(".sphere-means .choice-fine").click()
    old_phone.locator(".sphere-prescriptions .choice-unsure").click()
    old_phone.locator(".sphere-prescriptions").get_by_text("Commenter").click()
    old_phone.locator("#prescriptions-comment").fill("x" * 501)
    old_phone.get_by_role("button", name="Carte suivante").click()
    assert "la limite est 500" in old_phone.locator(".sphere-prescriptions").inner_text()
    assert old_phone.locator("#prescriptions-comment").input_value() == "x" * 501
    old_phone.locator("#prescriptions-comment").fill("Je ne connais pas la loi")
    old_phone.get_by_role("button", name="Carte suivante").click()
    old_phone.get_by_text("Carte 2 sur 3").wait_for()
    old_phone.get_by_role("button", name="Toutes les cartes").click()
    assert "2 réponses sur 9" in old_phone.inner_text("main")
    facilitator.reload()
    assert facilitator.locator("#progress [data-field=started]").inner_text() == "1"
    # The rest of the flow, still without JavaScript: every card, then the revealed map.
    old_phone.get_by_role("link", name="Continuer").click()
    for number, spheres in ((1, ["values"]), (2, SPHERES), (3, SPHERES)):
        old_phone.get_by_text(f"Carte {number} sur 3").wait_for()
        for sphere in spheres:
            old_phone.locator(f".sphere-{sphere} .choice-problem").click()
        old_phone.get_by_role(
            "button", name="Terminer" if number == 3 else "Carte suivante"
        ).click()
    old_phone.get_by_text("Vous avez répondu à tout").wait_for()
    facilitator.get_by_role("button", name="Montrer la carte").click()
    old_phone.reload()  # what its page does by itself every 30 s without JavaScript
    old_phone.get_by_role("heading", name="La carte du groupe").wait_for()
    assert old_phone.locator("table.map tbody tr").count() == 3


def test_a_practice_proposed_by_the_room_reaches_every_phone(browser, server):
    facilitator = new_page(browser)
    code = create_workshop(facilitator, server)
    facilitator.get_by_role("button", name="Ouvrir les réponses individuelles").click()
    phones = [new_page(browser, **PHONE) for _ in range(2)]
    for phone in phones:
        phone.goto(f"{server.base}/j/{code}")
        phone.get_by_role("button", name="Entrer dans l'atelier").click()
        phone.get_by_role("heading", name="Les cartes").wait_for()
    author, other = phones
    author.get_by_label("La pratique, en une phrase").fill("Nous partageons un agenda Google")
    author.get_by_role("button", name="Proposer").click()
    author.get_by_text("L'animation va lire votre proposition").wait_for()

    facilitator.get_by_role("button", name="Nouvelles propositions : les afficher").click()
    facilitator.get_by_label("Titre de la carte").fill("Nous partageons un agenda en ligne")
    facilitator.get_by_role("button", name="Accepter").click()
    # The other phone's list of cards refreshes by itself.
    other.get_by_text("Nous partageons un agenda en ligne").wait_for()
    assert other.locator(".cards li").count() == 4
    assert "proposée par le groupe" in other.locator(".cards li").last.inner_text()
    for page in (facilitator, *phones):
        assert page.errors == []


def test_a_consent_round_from_the_phones_to_the_charter(browser, server):
    facilitator = new_page(browser, viewport={"width": 1280, "height": 900})
    code = create_workshop(facilitator, server)
    phones = [new_page(browser, **PHONE) for _ in range(2)]
    for phone in phones:
        phone.goto(f"{server.base}/j/{code}")
        phone.get_by_role("button", name="Entrer dans l'atelier").click()
    for step in (
        "Ouvrir les réponses individuelles",
        "Montrer la carte",
        "Passer à la négociation",
    ):
        facilitator.get_by_role("button", name=step).click()
    projector = new_page(browser, viewport={"width": 1366, "height": 768})
    projector.goto(f"{server.base}/s/{code}")

    facilitator.get_by_role("button", name="Discuter : WhatsApp avec les personnes").click()
    facilitator.get_by_label(f"Nouvelle clause pour « {PRACTICES[2]} »").fill(
        "Nous échangeons avec les personnes par Signal."
    )
    facilitator.get_by_role("button", name="Ajouter la clause").click()
    facilitator.get_by_role("button", name="Ouvrir un tour de consentement").click()

    objector, consenter = phones
    for phone in phones:  # the phones follow by themselves
        phone.get_by_text("Nous échangeons avec les personnes par Signal.").wait_for()
    objector.locator(".choice-objection").click()
    objector.get_by_role("button", name="Envoyer ma réponse").click()
    objector.get_by_text("Une objection a besoin d'une raison").wait_for()
    objector.errors.clear()  # that refusal was a 400 page, as it should be
    objector.get_by_label("Pourquoi ? (obligatoire pour une objection)").fill(
        "Des personnes n'ont pas de smartphone"
    )
    objector.get_by_role("button", name="Envoyer ma réponse").click()
    objector.get_by_text("Votre réponse est enregistrée : J'objecte").wait_for()
    consenter.locator(".choice-consent").click()
    consenter.get_by_role("button", name="Envoyer ma réponse").click()

    wait_for(
        lambda: (
            projector.locator("[data-tally=objection]").inner_text() == "1"
            and projector.locator("[data-tally=consent]").inner_text() == "1"
        ),
        timeout=10,
    )
    assert "Des personnes n'ont pas de smartphone" in projector.inner_text("main")

    facilitator.reload()
    facilitator.get_by_role("button", name="Adopter", exact=True).click()
    facilitator.get_by_text("Le dernier tour a des objections").wait_for()
    facilitator.get_by_role("button", name="Adopter en consignant le désaccord").click()
    facilitator.get_by_role("button", name="Clore : la charte").click()
    for phone in phones:
        phone.get_by_role("heading", name="Notre charte").wait_for()
        assert "Nous échangeons avec les personnes par Signal." in phone.inner_text("main")
        assert "désaccord consigné" in phone.inner_text("main")
    for page in (facilitator, projector, *phones):
        assert page.errors == []


def test_a_whole_participant_flow_on_a_320_px_screen(browser, server):
    facilitator = new_page(browser)
    code = create_workshop(facilitator, server)
    facilitator.get_by_role("button", name="Ouvrir les réponses individuelles").click()
    small = new_page(
        browser, viewport={"width": 320, "height": 568}, is_mobile=True, has_touch=True
    )
    small.goto(f"{server.base}/j/{code}")
    small.get_by_role("button", name="Entrer dans l'atelier").click()
    small.get_by_role("link", name="Commencer").click()
    for number in range(1, 4):
        small.get_by_text(f"Carte {number} sur 3").wait_for()
        # Nothing is cut off or needs sideways scrolling on a small old phone.
        assert small.evaluate("document.documentElement.scrollWidth") <= 320
        for sphere in ("means", "values", "prescriptions"):
            small.locator(f".sphere-{sphere} .choice-discuss").click()
        small.get_by_role("button", name="Terminer" if number == 3 else "Carte suivante").click()
    small.get_by_text("Vous avez répondu à tout").wait_for()
    assert "9 réponses sur 9" in small.inner_text("main")
    assert small.errors == []
