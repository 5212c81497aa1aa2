"""Staff texts of the domain and services that the mails and the exported documents show
(issue 16.1), marked for the catalogue: the mails and documents translate them with gettext in
the reader's language (whistle.services.mail_language, the page's language for a document),
and a staff page shows them through the `translated` filter. Everything else the mails and
documents say is marked where it is written."""
from __future__ import annotations


def N_(text: str) -> str:
    return text


TEXTS: tuple[str, ...] = (
    # The deadline overview in a reminder (whistle.services.counsellor.deadlines).
    N_("Te laat"),
    N_("Deze week"),
    N_("Volgende week"),
    N_("Ontvangstbevestiging"),
    N_("Terugkoppeling"),
    N_("Termijn van de categorie"),
    N_("Besluit op de klacht"),
    N_("Voorstel voor een gesprek"),
    # What the recipient log records (whistle.services.recipient_log.LABELS), in its notice.
    N_("organisatiesleutel gemaakt"),
    N_("sleutel gemaakt (nog niet erkend)"),
    N_("erkend als ontvanger"),
    N_("erkenning ingetrokken"),
    N_("account uitgeschakeld"),
    N_("account weer ingeschakeld"),
    # The annual report's breakdowns (whistle.domain.indicators), in its PDF, CSV and charts.
    N_("Eenheid"),
    N_("Soort melding"),
    N_("Onderwerp (regeling)"),
    N_("Kanaal"),
    N_("Met naam of anoniem"),
    N_("Route"),
    N_("Uitkomst"),
    N_("Benadeling"),
    N_("Niet vastgelegd"),
    N_("Nog niet beoordeeld"),
    N_("Nog lopend"),
    N_("Met naam"),
    N_("Anoniem"),
    N_("Benadeling gemeld"),
    N_("Geen benadeling gemeld"),
    N_("Integriteitsvraag of dilemma"),
    N_("Ongewenst gedrag"),
    N_("Vermoeden van een misstand"),
    N_("Integriteitsschending"),
    N_("Web (met JavaScript)"),
    N_("Web (zonder JavaScript)"),
    N_("Namens de melder"),
    N_("Mondeling"),
    N_("Onbekend"),
    N_("Intern (vertrouwenspersoon)"),
    N_("Bevoegd gezag"),
    N_("Extern gemeld"),
    N_("Onderzocht"),
    N_("Geen onderzoek"),
    N_("Ingetrokken"),
    # A text too long in the dossier, and what it means (whistle.services.input.bounded_text).
    N_("%(what)s is te lang (meer dan %(limit)s tekens). %(after)s"),
    N_("De tekst"),
    N_("Er is niets verstuurd."),
    # The register's refusal (whistle.services.register.exports).
    N_("Alleen de vertrouwenspersoon exporteert het register."),
    # The dossier's refusals (whistle.services.counsellor.escalation), on the compose page.
    N_("Er is niemand van het bevoegd gezag over die dit dossier mag ontvangen: volgens de regeling en de "
       "wrakingsregels zijn alle ontvangers betrokkene, of er is geen account met die functie. Er is niets "
       "verstuurd. Vraag de beheerder een account aan te maken voor wie volgens de regeling in hun plaats treedt."),
    N_("Wie het dossier ontvangt, is veranderd sinds het voorbeeld. Bekijk de ontvangers hieronder en bevestig "
       "opnieuw. Er is niets verstuurd."),
    N_("Kies bijlagen uit deze zaak. Er is niets verstuurd."),
    N_("Een gekozen bijlage is onleesbaar en kan niet mee. Er is niets verstuurd."),
    N_("De melding is aangevinkt maar leeg: vul de (bewerkte) tekst in of vink haar uit. Er is niets verstuurd."),
    N_("Kies berichten uit deze zaak. Er is niets verstuurd."),
    N_("Een gekozen bericht is leeg: vul de (bewerkte) tekst in of vink het uit. Er is niets verstuurd."),
    N_("De identiteit van de melder gaat alleen mee als de melder daar op de eigen pagina toestemming voor gaf. "
       "Er is niets verstuurd."),
    N_("Het dossier is leeg: kies wat het bevoegd gezag krijgt. Er is niets verstuurd."),
)
