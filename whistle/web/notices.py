"""Confirmations after an action (post/redirect/get): the redirect carries a key (`?klaar=<key>`),
the page shows the fixed text for that key, in the page's language (each text is marked with N_
and translated when it is shown). Text from the URL is never shown, and a
notice never names a person or an e-mail address (URLs end up in browser history and logs)."""
from __future__ import annotations

from flask import Flask, redirect, request, url_for
from flask_babel import gettext

from whistle.web.staff_words import N_

QUERY = "klaar"

NOTICES: dict[str, str] = {
    # the beheerder's pages
    "account_aangemaakt": N_("Het account is aangemaakt. Geef de eenmalige wachtwoordzin persoonlijk door."),
    "account_ingeschakeld": N_("Het account is weer ingeschakeld."),
    "account_uitgeschakeld": N_("Het account is uitgeschakeld; alle sessies ervan zijn beëindigd."),
    "functie_bijgewerkt": N_("De functie is bijgewerkt."),
    "account_verwijderd": N_("Het account is verwijderd, met zijn sessies en tweede factor."),
    "tweede_factor_gewist": N_("De tweede factor is gewist. Bij de volgende keer inloggen richt de collega een nieuwe in."),
    # who receives meldingen and dossiers
    "erkend": N_("De sleutel van de collega is erkend."),
    "erkenning_ingetrokken": N_("De erkenning is ingetrokken."),
    # the counsellor's inbox and case page
    "afgesloten_onbruikbaar": N_("De gekozen meldingen zijn afgesloten als onbruikbaar."),
    "acknowledge": N_("Ontvangst bevestigd. De melder ziet de bevestiging bij het inloggen."),
    "triage": N_("Beoordeling vastgelegd."),
    "give_feedback": N_("Terugkoppeling gegeven. De termijn voor terugkoppeling is gestopt."),
    "extend_feedback": N_("Termijn voor terugkoppeling verlengd. De melder ziet de nieuwe datum en de reden."),
    "close": N_("Zaak afgesloten."),
    "dismiss": N_("Melding afgesloten als onbruikbaar."),
    "fulfil_category": N_("Vastgelegd dat gedaan is wat de regeling bij dit onderwerp vraagt."),
    "stap_gezet": N_("De stap is vastgelegd."),
    "bericht_verstuurd": N_("Bericht verstuurd aan de melder."),
    "benadeling_vastgelegd": N_("Risico-inschatting vastgelegd."),
    "bewaartermijn_verlengd": N_("Bewaartermijn verlengd."),
    "dossier_verstuurd": N_("Dossier verstuurd aan het bevoegd gezag."),
    "concept_opgeslagen": N_("Concept opgeslagen. U kunt het later afmaken; het staat versleuteld bij de zaak."),
    "concept_verwijderd": N_("Het concept van het dossier is verwijderd."),
    "betrokkenen_vastgelegd": N_("Betrokkenen vastgelegd."),
    "toegang_gegeven": N_("Toegang gegeven."),
    "toegang_ingetrokken": N_("Toegang ingetrokken."),
    "zaak_opgepakt": N_("U heeft de zaak opgepakt. Uw collega's met toegang houden hun toegang."),
    "zaak_overgedragen": N_("De zaak is overgedragen. U houdt zelf uw toegang."),
    "notitie_opgeslagen": N_("Notitie opgeslagen."),
    "klacht_voorgelegd": N_("De klacht is voorgelegd aan wie er volgens de regeling over beslist."),
    "verslag_bijgewerkt": N_("Een nieuwe versie van het verslag staat klaar; de melder kan haar goedkeuren of aanvullen."),
    "gesprek_voorgesteld": N_("Uw voorstel voor het gesprek staat versleuteld klaar voor de melder, die het bevestigt of om een ander moment vraagt."),
    # the bevoegd gezag
    "besluit_vastgelegd": N_("Besluit vastgelegd. De vertrouwenspersoon ziet het bij de zaak."),
    "klachtbesluit_vastgelegd": N_("Besluit over de klacht vastgelegd. De melder leest het bij de zaak."),
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
    """The text for this request's `?klaar=` key, in the page's language; anything else
    (unknown keys, free text) shows nothing."""
    text = NOTICES.get(request.args.get(QUERY, ""))
    return gettext(text) if text else None


def init_app(app: Flask) -> None:
    app.add_template_global(current_notice, "current_notice")
