"""The melder's consent through the API (protocol Extensions E.4): only with the melder's own
bearer token, only for a case with an identity, revocable until the dossier is sent."""
import pytest

from tests.authority.conftest import escalate, in_behandeling
from whistle.models import Case
from whistle.reporter_client import ProtocolError


def consent(api, value, expect=(200,)):
    return api._json("POST", "/api/v1/reporter/case/consent", {"consent": value}, expect=expect)


def test_consent_over_the_api(town, reporter_api, db, use_case, clock, as_staff):
    api = reporter_api()
    api.submit({"what": "Via de API gemeld."}, {"name": "A. Melder"})
    api.log_in()
    assert api.case()["identity_consent_on"] is None
    assert consent(api, True)["identity_consent_on"] == clock.today().isoformat()
    assert consent(api, False)["identity_consent_on"] is None
    with pytest.raises(ProtocolError) as exc:
        consent(api, "ja")
    assert exc.value.status == 400 and exc.value.body["field"] == "consent"
    consent(api, True)
    with db() as s:
        ref = s.query(Case.ref).scalar()
    in_behandeling(db, use_case, as_staff, ref)
    escalate(db, use_case, as_staff, ref, include_identity="ja")
    with pytest.raises(ProtocolError) as exc:
        consent(api, False)
    assert exc.value.status == 400 and "verstuurd" in exc.value.body["error"]


def test_consent_needs_the_melders_own_token_and_an_identity(town, reporter_api):
    anonymous = reporter_api()
    anonymous.submit({"what": "Anoniem gemeld."})
    anonymous.log_in()
    with pytest.raises(ProtocolError) as exc:
        consent(anonymous, True)
    assert exc.value.status == 400
    anonymous.token = "bm90LWEtdG9rZW4"
    with pytest.raises(ProtocolError) as exc:
        consent(anonymous, True)
    assert exc.value.status == 401
