"""Confirmations after an action (post/redirect/get): the redirect carries a key (`?klaar=<key>`),
the page shows the fixed Dutch text for that key. Text from the URL is never shown, and a
notice never names a person or an e-mail address (URLs end up in browser history and logs)."""
from __future__ import annotations

from flask import Flask, redirect, request, url_for

QUERY = "klaar"

NOTICES: dict[str, str] = {
    # the beheerder's pages
    "account_aangemaakt": "Het account is aangemaakt. Geef de eenmalige wachtwoordzin persoonlijk door.",
    "account_ingeschakeld": "Het account is weer ingeschakeld.",
    "account_uitgeschakeld": "Het account is uitgeschakeld; alle sessies ervan zijn beëindigd.",
    "functie_bijgewerkt": "De functie is bijgewerkt.",
    "account_verwijderd": "Het account is verwijderd, met zijn sessies en tweede factor.",
    "tweede_factor_gewist": "De tweede factor is gewist. Bij de volgende keer inloggen richt de collega een nieuwe in.",
    # who receives meldingen and dossiers
    "erkend": "De sleutel van de collega is erkend.",
    "erkenning_ingetrokken": "De erkenning is ingetrokken.",
    # the counsellor's inbox and case page
    "afgesloten_onbruikbaar": "De gekozen meldingen zijn afgesloten als onbruikbaar.",
    "acknowledge": "Ontvangst bevestigd. De melder ziet de bevestiging bij het inloggen.",
    "triage": "Beoordeling vastgelegd.",
    "give_feedback": "Terugkoppeling gegeven. De termijn voor terugkoppeling is gestopt.",
    "extend_feedback": "Termijn voor terugkoppeling verlengd. De melder ziet de nieuwe datum en de reden.",
    "close": "Zaak afgesloten.",
    "dismiss": "Melding afgesloten als onbruikbaar.",
    "fulfil_category": "Vastgelegd dat gedaan is wat de regeling bij dit onderwerp vraagt.",
    "stap_gezet": "De stap is vastgelegd.",
    "bericht_verstuurd": "Bericht verstuurd aan de melder.",
    "benadeling_vastgelegd": "Risico-inschatting vastgelegd.",
    "bewaartermijn_verlengd": "Bewaartermijn verlengd.",
    "dossier_verstuurd": "Dossier verstuurd aan het bevoegd gezag.",
    "concept_opgeslagen": "Concept opgeslagen. U kunt het later afmaken; het staat versleuteld bij de zaak.",
    "concept_verwijderd": "Het concept van het dossier is verwijderd.",
    "betrokkenen_vastgelegd": "Betrokkenen vastgelegd.",
    "toegang_gegeven": "Toegang gegeven.",
    "toegang_ingetrokken": "Toegang ingetrokken.",
    "zaak_opgepakt": "U heeft de zaak opgepakt. Uw collega's met toegang houden hun toegang.",
    "zaak_overgedragen": "De zaak is overgedragen. U houdt zelf uw toegang.",
    "notitie_opgeslagen": "Notitie opgeslagen.",
    "klacht_voorgelegd": "De klacht is voorgelegd aan wie er volgens de regeling over beslist.",
    "verslag_bijgewerkt": "Een nieuwe versie van het verslag staat klaar; de melder kan haar goedkeuren of aanvullen.",
    "gesprek_voorgesteld": "Uw voorstel voor het gesprek staat versleuteld klaar voor de melder, die het bevestigt of om een ander moment vraagt.",
    # the bevoegd gezag
    "besluit_vastgelegd": "Besluit vastgelegd. De vertrouwenspersoon ziet het bij de zaak.",
    "klachtbesluit_vastgelegd": "Besluit over de klacht vastgelegd. De melder leest het bij de zaak.",
}


def done(endpoint: str, key: str, **values) -> object:
    """The redirect after a successful POST, to `endpoint`, with the confirmation `key`."""
    if key not in NOTICES:
        raise KeyError(f"unknown notice {key!r}")
    return redirect(url_for(endpoint, **{QUERY: key}, **values))


def step_notice(event: str) -> str:
    """The notice key for a lifecycle step (the step's own text when there is one)."""
    return event if event in NOTICES else "stap_gezet"


def current_notice() -> str | None:
    """The text for this request's `?klaar=` key; anything else (unknown keys, free text) shows nothing."""
    return NOTICES.get(request.args.get(QUERY, ""))


def init_app(app: Flask) -> None:
    app.add_template_global(current_notice, "current_notice")
