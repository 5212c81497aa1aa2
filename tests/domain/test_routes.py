"""External routes: what the melder is shown, and in which order."""
from __future__ import annotations

import pytest

from whistle.domain.errors import DomainError, UnknownRoute
from whistle.domain.regeling import load_regeling, organisations_dir, regeling_from_default
from whistle.domain.routes import (
    ALWAYS_ALLOWED_NOTE, ART_2C_AUTHORITIES, ROUTES, WHY_DISAGREES, WHY_OVERDUE, route, routes_for,
)


def deventer():
    return load_regeling(organisations_dir() / "deventer.toml")


def test_the_catalogue_holds_the_nine_art_2c_authorities_and_the_other_routes():
    assert set(ART_2C_AUTHORITIES) <= set(ROUTES)
    assert len(ART_2C_AUTHORITIES) == 9
    assert {"vng_commissie", "lkc_ongewenst_gedrag", "autoriteit_woningcorporaties", "politie"} <= set(ROUTES)
    for r in ROUTES.values():
        assert r.name and r.purpose and r.applies_when
        assert "://" not in r.website and " " not in r.website


def test_the_vng_committee_text_says_the_huis_has_handled_its_task_since_2016():
    vng = route("vng_commissie")
    assert "2016" in vng.note and "Huis voor Klokkenluiders" in vng.note


def test_the_lkc_is_for_unwanted_behaviour_up_to_two_years_after():
    assert "twee jaar" in route("lkc_ongewenst_gedrag").applies_when


def test_an_unknown_route_is_a_domain_error():
    with pytest.raises(UnknownRoute):
        route("ombudsman")
    assert issubclass(UnknownRoute, DomainError)


def test_routes_follow_the_regeling_order_and_its_own_wording():
    views = routes_for(deventer())
    # The regeling's own first, in its order; then the other art. 2c authorities (issue 15).
    assert [v.id for v in views] == ["vng_commissie", "huis_voor_klokkenluiders", "lkc_ongewenst_gedrag", "politie",
                                     "acm", "afm", "anvs", "ap", "dnb", "igj", "nvwa", "nza"]
    assert views[0].name == "Commissie van Klokkenluiders van de VNG"
    assert views[0].catalogue_name == "Commissie Klokkenluiders Gemeentelijke Overheid"
    assert all(v.why is None for v in views)


def test_the_huis_is_always_offered_even_when_a_regeling_leaves_it_out():
    from dataclasses import replace

    regeling = deventer()
    without_huis = replace(regeling, external_routes=tuple(r for r in regeling.external_routes
                                                            if r.id != "huis_voor_klokkenluiders"))
    assert routes_for(without_huis)[-1].id == "huis_voor_klokkenluiders"


def test_when_feedback_is_overdue_the_primary_routes_come_first_with_a_reason():
    regeling = load_regeling(organisations_dir() / "s-hertogenbosch.toml")
    views = routes_for(regeling, feedback_overdue=True)
    assert views[0].id == "huis_voor_klokkenluiders" and views[0].why == WHY_OVERDUE
    assert views[0].why.startswith("De termijn voor terugkoppeling is verstreken")
    assert views[1].id == "lkc_ongewenst_gedrag" and views[1].why is None


def test_when_the_melder_disagrees_the_huis_and_the_named_vng_committee_come_first():
    regeling = load_regeling(organisations_dir() / "demo.toml")
    views = routes_for(regeling, disagrees=True)
    assert views[0].id == "huis_voor_klokkenluiders"
    assert views[0].why.startswith("U bent het niet eens met de uitkomst")
    both = routes_for(deventer(), feedback_overdue=True, disagrees=True)
    assert [v.id for v in both[:2]] == ["vng_commissie", "huis_voor_klokkenluiders"]
    assert WHY_OVERDUE in both[0].why and WHY_DISAGREES in both[0].why


def test_the_melder_is_always_told_an_external_body_is_allowed_at_any_moment():
    assert "op elk moment" in ALWAYS_ALLOWED_NOTE
    assert [v.id for v in routes_for(regeling_from_default())][-1] == "huis_voor_klokkenluiders"


def test_every_regeling_offers_all_nine_art_2c_authorities_each_with_a_guide():
    from whistle.domain.regeling import shipped_regeling_paths
    from whistle.domain.routes import ART_2C_AUTHORITIES, GUIDE
    for path in shipped_regeling_paths():
        ids = [v.id for v in routes_for(load_regeling(path))]
        assert set(ART_2C_AUTHORITIES) <= set(ids), path
        assert len(ids) == len(set(ids)), path
    for authority in ART_2C_AUTHORITIES[:-1]:
        assert "bijvoorbeeld" in route(authority).applies_when  # which misstand fits which body
    assert "Huis voor Klokkenluiders" in GUIDE
    # A regeling that names an authority puts it first, ahead of the catalogue's order.
    from dataclasses import replace
    from whistle.domain.regeling import RouteRef
    own = replace(deventer(), external_routes=(RouteRef("igj"),) + deventer().external_routes)
    assert routes_for(own)[0].id == "igj" and [v.id for v in routes_for(own)].count("igj") == 1
