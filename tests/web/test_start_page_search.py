"""The start page of a shared installation (issue 17.2): all organisations while there are few;
beyond that a search by name that works without JavaScript, and an organisation's own link
stays the way in."""
import re
from datetime import date

import pytest
from sqlalchemy import insert

from whistle.models import Organisation
from whistle.services import organisations


def links(html: str) -> list[str]:
    return re.findall(r'<li><a href="/o/([a-z0-9-]+)/">', html)


def add_many(db, n: int) -> None:
    with db() as s:  # rows as create_organisation writes them (its regeling is not read here)
        s.execute(insert(Organisation), [{"slug": f"gemeente-{i:04d}", "name": f"Gemeente Plaats {i:04d}",
                                          "regeling_json": "{}", "created_on": date(2026, 1, 1)} for i in range(n)])


def test_few_organisations_are_all_listed(world, client):
    world.org("deventer", "Gemeente Deventer")
    world.org("zwolle", "Gemeente Zwolle")
    html = client.get("/").get_data(as_text=True)
    assert links(html) == ["deventer", "zwolle"] and 'name="q"' not in html


def test_many_organisations_are_found_by_name_without_javascript(world, db, client):
    world.org("deventer", "Gemeente Deventer")
    world.org("samentwente", "SamenTwente (Hengelo, Enschede)")
    add_many(db, 1500)
    page = client.get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="q"' in html and 'method="get"' in html
    assert links(html) == [] and len(html) < 5000
    assert links(client.get("/?q=deventer").get_data(as_text=True)) == ["deventer"]
    # case and word order do not matter; each word must be in the name or the slug
    assert links(client.get("/?q=ENSCHEDE+samen").get_data(as_text=True)) == ["samentwente"]
    assert links(client.get("/?q=plaats+1234").get_data(as_text=True)) == ["gemeente-1234"]
    # too many matches: the first ones and a request to type more
    html = client.get("/?q=gemeente").get_data(as_text=True)
    assert len(links(html)) == organisations.MAX_MATCHES and "typ meer van de naam" in html
    # a wildcard is a character like any other
    assert links(client.get("/?q=%25").get_data(as_text=True)) == []
    assert "Geen organisatie gevonden" in client.get("/?q=%25").get_data(as_text=True)
    # the organisation's own link is still the way in
    assert client.get("/o/deventer/").status_code == 200


def test_a_query_too_long_is_refused_clearly(world, db, client):
    world.org("deventer", "Gemeente Deventer")
    add_many(db, 40)
    page = client.get("/?q=" + "x" * 101)
    assert page.status_code == 400 and "hoogstens 100 tekens" in page.get_data(as_text=True)
    assert client.get("/?q=" + "deventer" + " " * 200).status_code == 200


@pytest.mark.parametrize("query", ["<script>", "' OR 1=1 --", "\u0000", "é" * 100])
def test_odd_queries_are_harmless(world, db, client, query):
    world.org("deventer", "Gemeente Deventer")
    add_many(db, 40)
    page = client.get("/", query_string={"q": query})
    assert page.status_code in (200, 400) and "<script>" not in page.get_data(as_text=True)
