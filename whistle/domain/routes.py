"""The catalogue of external routes (externe meldroutes) the melder is shown.

A regeling names the routes it knows, possibly in its own words (`wording`); the catalogue
says what each body is for, when it applies and who handles it today. Websites are plain
domain names, shown as text.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Mapping

from whistle.domain.errors import UnknownRoute

if TYPE_CHECKING:  # pragma: no cover
    from whistle.domain.regeling import Regeling

ALWAYS_ALLOWED_NOTE = (
    "U mag op elk moment, ook zonder eerst intern te melden, een vermoeden van een misstand "
    "rechtstreeks melden bij een bevoegde autoriteit (Wet bescherming klokkenluiders, art. 2c). "
    "Het Huis voor Klokkenluiders kan u daarover ook eerst adviseren."
)
WHY_OVERDUE = (
    "De termijn voor terugkoppeling is verstreken zonder dat u hebt gehoord wat er met uw "
    "melding gebeurt. U kunt uw melding nu voorleggen aan deze instantie."
)
WHY_DISAGREES = (
    "U bent het niet eens met de uitkomst van uw melding. U kunt uw melding nu voorleggen "
    "aan deze instantie."
)


@dataclass(frozen=True)
class Route:
    id: str
    name: str
    purpose: str  # what the body is for
    applies_when: str  # when the melder can go there
    note: str = ""  # e.g. which body handles it today
    website: str = ""  # public domain name, plain text
    primary: bool = False  # shown first when feedback is overdue or the melder disagrees
    only_for_kinds: frozenset[str] = frozenset()  # organisation kinds; empty: all


def _authority(id: str, name: str, purpose: str, website: str, fits: str) -> Route:
    """An authority of art. 2c Wbk; `fits` is the melder's guide: which misstanden belong there."""
    return Route(
        id=id, name=name, purpose=purpose,
        applies_when=(
            f"Bij een vermoeden van een misstand op het terrein waarop deze autoriteit toezicht "
            f"houdt (bevoegde autoriteit volgens art. 2c Wbk), bijvoorbeeld {fits}"
        ),
        website=website,
    )


_CATALOGUE: tuple[Route, ...] = (
    Route(
        id="huis_voor_klokkenluiders",
        name="Huis voor Klokkenluiders",
        purpose=(
            "Geeft melders vertrouwelijk advies, onderzoekt vermoedens van een misstand met "
            "maatschappelijk belang en onderzoekt of een melder na een melding benadeeld is."
        ),
        applies_when=(
            "Bij een vermoeden van een misstand waarvoor geen andere bevoegde autoriteit "
            "bevoegd is, of als u niet weet waar u terecht kunt. Advies kan altijd."
        ),
        website="huisvoorklokkenluiders.nl",
        primary=True,
    ),
    Route(
        id="vng_commissie",
        name="Commissie Klokkenluiders Gemeentelijke Overheid",
        purpose=(
            "De commissie van de VNG die oudere gemeentelijke regelingen noemen voor meldingen "
            "van een vermoeden van een misstand bij een gemeente."
        ),
        applies_when=(
            "Als de interne melding niet binnen de termijn is afgehandeld of u het niet eens "
            "bent met het standpunt van de gemeente."
        ),
        note=(
            "Sinds 2016 voert het Huis voor Klokkenluiders de taak van deze commissie uit; "
            "uw melding gaat daarom naar het Huis voor Klokkenluiders."
        ),
        website="huisvoorklokkenluiders.nl",
        primary=True,
        only_for_kinds=frozenset({"gemeente", "gemeenschappelijke_regeling", "werkbedrijf"}),
    ),
    _authority("acm", "Autoriteit Consument & Markt (ACM)",
               "Toezicht op eerlijke concurrentie, consumentenbescherming en de markten voor "
               "energie, telecom, post en vervoer.", "acm.nl",
               "prijsafspraken, misleiding van consumenten of misbruik van een machtspositie."),
    _authority("afm", "Autoriteit Financiële Markten (AFM)",
               "Toezicht op het gedrag van partijen op de financiële markten.", "afm.nl",
               "handel met voorkennis, misleidende financiële producten of fouten in jaarverslagen."),
    _authority("anvs", "Autoriteit Nucleaire Veiligheid en Stralingsbescherming (ANVS)",
               "Toezicht op nucleaire veiligheid en stralingsbescherming.", "autoriteitnvs.nl",
               "onveilig werken met radioactieve stoffen of röntgenapparatuur."),
    _authority("ap", "Autoriteit Persoonsgegevens (AP)",
               "Toezicht op de bescherming van persoonsgegevens (privacy).",
               "autoriteitpersoonsgegevens.nl",
               "een datalek dat niet wordt gemeld, of persoonsgegevens die zonder grond worden gedeeld."),
    _authority("dnb", "De Nederlandsche Bank (DNB)",
               "Toezicht op banken, verzekeraars en pensioenfondsen.", "dnb.nl",
               "witwassen, of een bank, verzekeraar of pensioenfonds die zijn risico's verzwijgt."),
    _authority("igj", "Inspectie Gezondheidszorg en Jeugd (IGJ)",
               "Toezicht op de kwaliteit en veiligheid van zorg, jeugdhulp, geneesmiddelen en "
               "medische hulpmiddelen.", "igj.nl",
               "onveilige zorg of jeugdhulp, of fouten met medicijnen die worden verzwegen."),
    _authority("nvwa", "Nederlandse Voedsel- en Warenautoriteit (NVWA)",
               "Toezicht op voedselveiligheid, productveiligheid, dierenwelzijn en "
               "diergezondheid.", "nvwa.nl",
               "onveilig voedsel, gevaarlijke producten of verwaarlozing van dieren."),
    _authority("nza", "Nederlandse Zorgautoriteit (NZa)",
               "Toezicht op de zorgmarkten, zorgaanbieders en zorgverzekeraars.", "nza.nl",
               "onterechte declaraties of fraude met zorggeld."),
    Route(
        id="autoriteit_woningcorporaties",
        name="Autoriteit woningcorporaties",
        purpose="Toezicht op het bestuur, de financiën en de integriteit van woningcorporaties.",
        applies_when="Bij een vermoeden van een misstand bij een woningcorporatie.",
        note="De Autoriteit woningcorporaties is onderdeel van de Inspectie Leefomgeving en Transport.",
        website="ilent.nl",
        only_for_kinds=frozenset({"woningcorporatie"}),
    ),
    Route(
        id="lkc_ongewenst_gedrag",
        name="Landelijke Klachtencommissie Ongewenst Gedrag",
        purpose=(
            "Onderzoekt klachten over ongewenst gedrag (seksuele intimidatie, discriminatie, "
            "pesten, agressie en geweld); dit is een klachtroute, geen route voor misstanden."
        ),
        applies_when=(
            "Bij ongewenst gedrag, tot twee jaar na het gedrag, als uw organisatie bij de "
            "commissie is aangesloten."
        ),
        note=(
            "Voluit: Landelijke Klachtencommissie Ongewenst Gedrag voor de Decentrale Overheid "
            "(LKOG), ondergebracht bij de VNG."
        ),
        website="vng.nl",
    ),
    Route(
        id="politie",
        name="Politie",
        purpose="Aangifte of melding van een strafbaar feit.",
        applies_when="Bij een vermoeden van een strafbaar feit; daarvan wordt in beginsel aangifte gedaan.",
        website="politie.nl",
    ),
)

ROUTES: Mapping[str, Route] = MappingProxyType({r.id: r for r in _CATALOGUE})
ART_2C_AUTHORITIES: tuple[str, ...] = (
    "acm", "afm", "anvs", "ap", "dnb", "igj", "nvwa", "nza", "huis_voor_klokkenluiders")


def route(route_id: str) -> Route:
    try:
        return ROUTES[route_id]
    except KeyError:
        raise UnknownRoute(route_id) from None


@dataclass(frozen=True)
class RouteView:
    """A route as shown to a melder of one organisation."""

    id: str
    name: str  # as the regeling words it, else the catalogue name
    catalogue_name: str
    purpose: str
    applies_when: str
    note: str
    website: str
    primary: bool
    why: str | None = None  # why this route is suggested now


GUIDE = (
    "Welke instantie past? Kies de autoriteit die toezicht houdt op het terrein van uw "
    "vermoeden; bij elke autoriteit staat een voorbeeld. Past geen van deze, of twijfelt u, "
    "ga dan naar het Huis voor Klokkenluiders."
)


def routes_for(regeling: "Regeling", *, feedback_overdue: bool = False, disagrees: bool = False) -> list[RouteView]:
    """The regeling's routes in its order (a regeling puts its own first); then every other
    authority of art. 2c Wbk, which the law gives to every melder; the Huis voor
    Klokkenluiders, for the rest, last unless the regeling names it. Primary routes first,
    with a reason, when the feedback is overdue or the melder disagrees."""
    named = list(regeling.external_routes)
    ids = [r.id for r in named]
    views: list[RouteView] = []
    for ref in named:
        views.append(_view(route(ref.id), ref.wording))
    for authority in ART_2C_AUTHORITIES:  # the Huis is the tuple's last
        if authority not in ids:
            views.append(_view(ROUTES[authority], None))

    why_parts = [text for flag, text in ((feedback_overdue, WHY_OVERDUE), (disagrees, WHY_DISAGREES)) if flag]
    if not why_parts:
        return views
    why = " ".join(why_parts)
    primary = [_with_why(v, why) for v in views if v.primary]
    return primary + [v for v in views if not v.primary]


def _view(r: Route, wording: str | None) -> RouteView:
    return RouteView(
        id=r.id, name=wording or r.name, catalogue_name=r.name, purpose=r.purpose,
        applies_when=r.applies_when, note=r.note, website=r.website, primary=r.primary,
    )


def _with_why(view: RouteView, why: str) -> RouteView:
    return replace(view, why=why)
