"""Issue 14's commands exactly as operators script them: the register as CSV (metadata only),
the annual report as PDF, CSV and HTML, and a case as PDF decrypted with the counsellor's key;
each an audit event, and nothing of a melding's content in any export but the case PDF."""
import csv
import io
import json

from pypdf import PdfReader

from tests.test_cli import PASS, cli, ready, submit_via_api  # noqa: F401  (fixtures)
from whistle.infra.db import make_engine
from whistle.settings import settings_from_env

SECRET = "Geheime inhoud over de wethouder"


def _events(event: str) -> list[dict]:
    from sqlalchemy import text
    engine = make_engine(settings_from_env().database_url)
    with engine.connect() as c:
        rows = c.execute(text("SELECT actor, case_ref, details FROM audit_events WHERE event = :e"), {"e": event}).all()
    engine.dispose()
    return [{"actor": a, "case_ref": r, **json.loads(d)} for a, r, d in rows]


def _pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_register_export_is_metadata_only_and_audited(ready, tmp_path):
    submit_via_api(SECRET)
    [case] = json.loads(ready("case", "list", "--org", "deventer", "--json").output)
    out = tmp_path / "register.csv"
    r = ready("register", "export", "--org", "deventer", "--out", str(out))
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 1
    assert rows[0]["ref"] == case["ref"] and rows[0]["channel"] == "web_js" and rows[0]["named"] == "nee"
    assert rows[0]["received_on"] == case["received_on"] and rows[0]["state"] == "ontvangen"
    assert "wethouder" not in out.read_text()
    assert [e["rows"] for e in _events("register_exported")] == [1]


def test_annual_report_in_each_format(ready, tmp_path):
    submit_via_api(SECRET)
    year = json.loads(ready("case", "list", "--org", "deventer", "--json").output)[0]["received_on"][:4]
    for fmt in ("pdf", "csv", "html"):
        out = tmp_path / f"jaar.{fmt}"
        r = ready("report", "annual", "--org", "deventer", "--year", year, "--format", fmt, "--out", str(out))
        assert r.exit_code == 0, r.output
    text = _pdf_text(tmp_path / "jaar.pdf")
    assert f"Jaarverslag meldingen {year}" in text and "gemaakt door cli" in text
    assert "Meldingen in " + year + ": < 5" in text
    rows = list(csv.reader(io.StringIO((tmp_path / "jaar.csv").read_text())))
    assert ["meldingen", "totaal", "< 5", "0"] in rows
    assert ["Kanaal", "Web (met JavaScript)", "< 5", "0"] in rows
    html = (tmp_path / "jaar.html").read_text()
    assert "<svg" in html and "<script" not in html and "style=" not in html
    for exported in ("jaar.pdf", "jaar.csv", "jaar.html"):
        body = _pdf_text(tmp_path / exported) if exported.endswith("pdf") else (tmp_path / exported).read_text()
        assert "wethouder" not in body
    assert len(_events("annual_report_exported")) == 3
    r = ready("report", "annual", "--org", "deventer", "--year", year, "--format", "doc", "--out", str(tmp_path / "x"))
    assert r.exit_code != 0


def test_case_export_decrypts_with_the_counsellors_key_and_marks_each_page(ready, tmp_path):
    submit_via_api(SECRET + ". " + "Nog meer tekst. " * 400)
    [case] = json.loads(ready("case", "list", "--org", "deventer", "--json").output)
    out = tmp_path / "zaak.pdf"
    r = ready("case", "export", case["ref"], "--as", "vp@deventer.example", "--password-stdin", "--out", str(out),
              input=PASS)
    assert r.exit_code == 0, r.output
    pages = PdfReader(str(out)).pages
    assert len(pages) > 1
    for page in pages:
        assert "gemaakt door Vertrouwenspersoon (vp@deventer.example) op " in page.extract_text()
    assert SECRET in _pdf_text(out) and case["ref"] in _pdf_text(out)
    assert [e["case_ref"] for e in _events("case_exported")] == [case["ref"]]
    wrong = tmp_path / "fout.pdf"
    r = ready("case", "export", case["ref"], "--as", "vp@deventer.example", "--password-stdin", "--out", str(wrong),
              input="fout fout fout\n")
    assert r.exit_code != 0 and not wrong.exists()
