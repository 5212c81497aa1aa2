"""Issue 16.1: the `error` text of a protocol answer is for people and follows Accept-Language
(or ?taal=) among the melder's languages; the status and `field` do not change with it."""
from whistle.services.errors import InvalidInput, Worded
from whistle.web.melder_words import translated


def test_a_request_too_large_in_the_melder_language(world, client, settings):
    world.org("deventer")
    big = b"{" + b" " * settings.max_json_bytes + b"}"

    def post(query="", **headers):
        return client.post("/api/v1/orgs/deventer/reports" + query, data=big, content_type="application/json",
                           headers=headers)
    answers = {lang: post(**{"Accept-Language": lang}) for lang in ("en", "pl", "nl")}
    assert {a.status_code for a in answers.values()} == {413}
    assert {tuple(sorted(a.get_json())) for a in answers.values()} == {("error",)}  # the same members
    assert answers["en"].get_json()["error"] == "The request is too large."
    assert answers["pl"].get_json()["error"] == "Żądanie jest za duże."
    assert answers["nl"].get_json()["error"] == "Het verzoek is te groot."
    assert post("?taal=tr", **{"Accept-Language": "en"}).get_json()["error"] == "İstek çok büyük."


def test_a_worded_refusal_is_said_with_its_values_in_the_page_language(app):
    refusal = InvalidInput("%(what)s is te lang (meer dan %(limit)s tekens).", field="text",
                           params={"what": "Het bericht", "limit": 20000}).message
    assert isinstance(refusal, Worded) and refusal == "Het bericht is te lang (meer dan 20000 tekens)."
    with app.test_request_context("/o/deventer/melden?taal=en"):
        assert translated(refusal) == "The message is too long (more than 20000 characters)."
    with app.test_request_context("/o/deventer/melden?taal=ar"):
        assert "20000" in translated(refusal) and "الرسالة" in translated(refusal)
    with app.test_request_context("/o/deventer/melden"):
        assert translated(refusal) == "Het bericht is te lang (meer dan 20000 tekens)."


def test_a_meeting_refusal_says_why_in_the_melder_language(app):
    why = "u heeft al om een gesprek gevraagd; dat verzoek loopt nog"
    refusal = InvalidInput("kind: %(why)s. Er is niets gewijzigd.", field="kind", params={"why": why}).message
    assert refusal == f"kind: {why}. Er is niets gewijzigd."  # the Dutch text as before
    with app.test_request_context("/o/deventer/melden?taal=en"):
        assert translated(refusal) == ("kind: you have already asked for a meeting; that request is still open. "
                                       "Nothing has been changed.")
    with app.test_request_context("/o/deventer/melden?taal=pl"):
        assert translated(refusal).startswith("kind: już poprosiłeś o rozmowę")
    unknown = InvalidInput("kind: %(why)s. Er is niets gewijzigd.", params={"why": "iets anders"}).message
    with app.test_request_context("/o/deventer/melden?taal=en"):
        assert translated(unknown) == "kind: iets anders. Nothing has been changed."  # an unlisted value stays
