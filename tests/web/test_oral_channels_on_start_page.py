"""Issue 15.1: the melder's start page (/o/<slug>/) shows the oral channels the regeling's
[oral] table names, with tel: links, and nothing for an organisation without the table."""
from __future__ import annotations


def test_the_demo_start_page_shows_the_phone_the_voicemail_and_the_meeting(world, client):
    world.org("demo", name="Gemeente Demodorp")
    html = client.get("/o/demo/").get_data(as_text=True)
    assert "Liever mondeling melden?" in html
    assert '<a href="tel:0570000101">0570-000 101</a> (maandag tot en met vrijdag, 9.00-17.00 uur)' in html
    assert '<a href="tel:0570000102">0570-000 102</a>' in html
    assert "Vraag om een persoonlijk gesprek." in html and "Op het gemeentehuis" in html
    assert "#31#" in html and "Uw stem blijft wel te horen" in html
    assert "controleren en verbeteren" in html


def test_an_organisation_without_the_table_shows_no_oral_section(world, client):
    world.org("deventer")
    html = client.get("/o/deventer/").get_data(as_text=True)
    assert 'id="mondeling"' not in html and "Liever mondeling" not in html and "href=\"tel:" not in html


def test_only_a_meeting_shows_no_phone_advice(world, client, tmp_path):
    from whistle.domain.regeling import organisations_dir
    regeling = tmp_path / "deventer.toml"
    regeling.write_text((organisations_dir() / "deventer.toml").read_text() + "\n[oral]\nmeeting = true\n")
    world.org("deventer", regeling=regeling)
    html = client.get("/o/deventer/").get_data(as_text=True)
    assert "Vraag om een persoonlijk gesprek." in html and "href=\"tel:" not in html and "#31#" not in html


def test_the_section_in_polish(world, client):
    world.org("demo", name="Gemeente Demodorp")
    html = client.get("/o/demo/?taal=pl").get_data(as_text=True)
    assert "Wolisz zgłosić ustnie?" in html and "Zadzwoń do osoby zaufania:" in html
    assert '<a href="tel:0570000101">0570-000 101</a>' in html and "#31#" in html
    assert "Liever mondeling melden?" not in html
