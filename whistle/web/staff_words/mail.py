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
    # What the recipient log records (whistle.services.recipient_log.LABELS), in its notice.
    # The annual report's breakdowns (whistle.domain.indicators), in its PDF, CSV and charts.
    N_("Extern gemeld"),
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
    N_("De identiteit van de melder gaat alleen mee als de melder daar op de eigen pagina toestemming voor gaf. "
       "Er is niets verstuurd."),
)
