from tests.conftest import PASSPHRASE, code_from_receipt


def test_melder_submits_via_form_and_counsellor_reads(world, browser, client):
    world.org()
    vp = world.staff(email="vp@deventer.example")
    page = browser.submit("/o/deventer/melden", {"what": "Fraude bij inkoop", "where": "Stadhuis"})
    assert page.status_code == 200, page.get_data(as_text=True)
    code = code_from_receipt(page.get_data(as_text=True))
    r = browser.melder_login("deventer", code)
    assert r.status_code == 302
    page = client.get("/melder/zaak")
    assert "Fraude bij inkoop" in page.get_data(as_text=True)


def test_the_intake_publishes_the_report_fields_the_form_asks_for(world, client):
    """One list (whistle.domain.report): the form's fields, in its order, are what the intake
    answer tells the browser client to collect and check."""
    import re
    from whistle.domain.report import MAX_MESSAGE_CHARS, REPORT_FIELDS
    world.org()
    world.staff(email="vp@deventer.example")
    intake = client.get("/api/v1/orgs/deventer/intake").get_json()
    assert [f["name"] for f in intake["report_fields"]] == [f.name for f in REPORT_FIELDS]
    assert [f["name"] for f in intake["identity_fields"]] == ["name", "contact"]
    assert intake["max_message_chars"] == MAX_MESSAGE_CHARS
    form = client.get("/o/deventer/melden").get_data(as_text=True)
    asked = re.findall(r'<(?:textarea|input|select) id="(\w+)" name="\1"', form)
    # A choice from a list the regeling leaves empty (Deventer lists no units) is not asked.
    lists = {"category": intake["categories"], "unit": intake["units"]}
    applies = [f for f in intake["report_fields"] if f["input"] not in lists or lists[f["input"]]]
    assert [f["name"] for f in intake["report_fields"] if f not in applies] == ["unit"]
    assert asked == [f["name"] for f in applies + intake["identity_fields"]] + ["attachments"]
    for f in applies:
        assert f["label"] in form
