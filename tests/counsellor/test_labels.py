"""Every word staff read is a Dutch label, never an id (issue 13): regeling terms, routes,
categories, states and dates (dd-mm-jjjj) on the staff pages, the dossier and its links."""
import html
import re

from sqlalchemy import select

from tests.authority.conftest import email, escalate, in_behandeling
from tests.conftest import code_from_receipt
from whistle.domain.regeling import load_regeling, organisations_dir
from whistle.domain.routes import ROUTES
from whistle.models import Case, Record

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
ENGLISH = re.compile(r"\b(weeks?|days?|working_days|acknowledge|give_feedback|in_behandeling|ontvangst_bevestigd)\b")


def visible_text(page: str) -> str:
    """What a person reads: the text outside tags and scripts (attribute values are not read)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def login(browser, who):
    assert browser.login_counsellor(email(who)).status_code == 302


def raw_ids_in(text: str) -> list[str]:
    regeling = load_regeling(organisations_dir() / "deventer.toml")
    ids = {c.id for c in regeling.categories if "_" in c.id} | {r for r in ROUTES if "_" in r}
    found = [i for i in ids if re.search(rf"\b{re.escape(i)}\b", text)]
    found += ISO_DATE.findall(text) + ENGLISH.findall(text)
    if "uiterlijk: gegeven" in text or "uiterlijk gegeven" in text:
        found.append("uiterlijk gegeven")
    return found


def test_staff_pages_show_labels_not_ids(town, browser, client, db, use_case, as_staff):
    receipt = browser.submit("/o/deventer/melden", {"what": "Een valse verklaring bij de rechter.",
                                                    "category": "misleiding_justitie"})
    assert receipt.status_code == 200
    code_from_receipt(receipt.get_data(as_text=True))
    with db() as s:
        ref = s.scalar(select(Case.ref))
    in_behandeling(db, use_case, as_staff, ref)
    login(browser, "vp")
    browser.submit(f"/vp/zaak/{ref}/bericht", {"text": "Dank u."}, form_page=f"/vp/zaak/{ref}")
    with db() as s:
        message_id = s.scalar(select(Record.id).where(Record.kind == "message"))
    locator, _ = escalate(db, use_case, as_staff, ref, include_message=[str(message_id)],
                          **{f"message_{message_id}": "Dank u."})
    pages = {}
    for path in ("/vp/", f"/vp/zaak/{ref}", "/vp/ontvangers", "/vp/bewaartermijnen"):
        pages[path] = client.get(path).get_data(as_text=True)
    assert "Misleiding" in visible_text(pages[f"/vp/zaak/{ref}"])  # the melder's category, by its label
    client.delete_cookie("whistle")
    login(browser, "beheer")
    for path in ("/beheer/", "/beheer/regeling", "/beheer/accounts/nieuw"):
        pages[path] = client.get(path).get_data(as_text=True)
    assert "6 weken" in visible_text(pages["/beheer/regeling"])
    assert "Huis voor Klokkenluiders" in visible_text(pages["/beheer/regeling"])
    client.delete_cookie("whistle")
    login(browser, "burgemeester")
    for path in ("/bg/", f"/bg/dossier/{locator}"):
        pages[path] = client.get(path).get_data(as_text=True)
    assert locator[:8] not in visible_text(pages["/bg/"]), "a dossier link reads as a hex string"
    assert f"Dossier {ref}" in visible_text(pages["/bg/"])
    assert "Dank u." in pages[f"/bg/dossier/{locator}"]
    for path, page in pages.items():
        assert raw_ids_in(visible_text(page)) == [], path


def test_the_melder_reads_terugkoppeling_given_not_uiterlijk(town, browser, client, db, use_case, as_staff):
    receipt = browser.submit("/o/deventer/melden", {"what": "Iets."})
    code = code_from_receipt(receipt.get_data(as_text=True))
    with db() as s:
        ref = s.scalar(select(Case.ref))
    in_behandeling(db, use_case, as_staff, ref)
    from whistle.services.lifecycle import transition
    with db() as s:
        transition(use_case(s), ref, "give_feedback", as_staff(s, "vp"), text="Wij onderzoeken het.")
    browser.melder_login("deventer", code)
    text = " ".join(visible_text(client.get("/melder/zaak").get_data(as_text=True)).split())
    assert "Terugkoppeling gegeven op" in text and "uiterlijk gegeven" not in text


def test_the_start_page_invites_all_staff_to_log_in(world, client):
    world.org("deventer")
    page = client.get("/").get_data(as_text=True)
    assert "Inloggen voor medewerkers" in page and "Inloggen voor vertrouwenspersonen" not in page
