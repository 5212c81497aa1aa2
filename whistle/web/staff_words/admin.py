"""Staff texts of the domain and services: see whistle.web.staff_words. This room: the
beheerder's pages, the staff's login, the recipients page, the bevoegd gezag's inbox and dossier
and the register's pages. The services word these texts in Dutch; a page shows them through the
`translated` filter (whistle.web.melder_words.translated). Texts the melder's list already has
(the states, the offices, a complaint's outcomes) are not repeated here."""
from __future__ import annotations


def N_(text: str) -> str:
    return text


TEXTS: tuple[str, ...] = (
    # Reasons to keep an account that count something (whistle.services.staff.deletion, worded).
    N_('Dit account heeft de sleutel van %(n)s melding(en). Zolang iemand een melding kan lezen, blijft het '
       'account bestaan: schakel het uit, of laat de vertrouwenspersoon de toegang eerst intrekken.'),
    N_('Dit account heeft de sleutel van %(n)s dossier(s). Schakel het uit, of laat de vertrouwenspersoon de '
       'toegang tot die dossiers eerst intrekken.'),
    # Staff roles (whistle.domain.roles).
    N_('vertrouwenspersoon'),
    N_('bevoegd gezag'),
    N_('beheerder'),
    # Kinds of organisation (whistle.web.filters), on the regeling's page.
    N_('Gemeente'),
    N_('Gemeenschappelijke regeling'),
    N_('Woningcorporatie'),
    N_('Werkbedrijf'),
    N_('Overig'),
    # The logbook: events and who acted (whistle.domain.audit_labels, whistle.services.logbook).
    N_('medewerker (account bestaat niet meer)'),
    # The dossier: decisions, the report's and identity's labels, disclosure requests.
    # The annual report (whistle.domain.indicators, whistle.domain.register).
    N_('Eenheid'),
    N_('Soort melding'),
    N_('Onderwerp (regeling)'),
    N_('Kanaal'),
    N_('Met naam of anoniem'),
    N_('Route'),
    N_('Uitkomst'),
    N_('Benadeling'),
    N_('Onderzocht'),
    N_('Nog lopend'),
    N_('Niet vastgelegd'),
    N_('Web (met JavaScript)'),
    N_('Web (zonder JavaScript)'),
    N_('Namens de melder'),
    N_('Mondeling'),
    N_('Onbekend'),
    N_('Met naam'),
    N_('Anoniem'),
    N_('Intern (vertrouwenspersoon)'),
    N_('Bevoegd gezag'),
    N_('Benadeling gemeld'),
    N_('Geen benadeling gemeld'),
    N_('niet getoond (< 5)'),
    # The login and the second factor (whistle.services.staff.accounts, .second_factor).
    N_('E-mailadres of wachtwoordzin onjuist.'),
    N_('Uw inlogpoging is verlopen. Log opnieuw in.'),
    N_('Deze eenmalige wachtwoordzin is al gebruikt. Vraag de operator om een nieuwe (whistle user reset-passphrase).'),
    N_('De code is onjuist. Controleer de code in uw app, of gebruik een herstelcode.'),
    N_('Deze code is al gebruikt. Wacht tot uw app een nieuwe code toont.'),
    N_('De tweede factor is voor dit account al ingesteld.'),
    N_('Er is geen inrichting gestart. Log opnieuw in.'),
    N_('Vul de zescijferige code uit uw app in.'),
    N_('QR-code voor uw authenticator-app'),
    # A member's own passphrase (whistle.services.staff.accounts.change_passphrase).
    N_('De nieuwe wachtwoordzin heeft minstens 12 tekens.'),
    N_('Kies een andere wachtwoordzin dan de huidige.'),
    N_('Richt eerst uw tweede factor in; daarna kiest u uw eigen wachtwoordzin.'),
    N_('De huidige wachtwoordzin klopt niet.'),
    # The beheerder's accounts: (de)activating, resetting a second factor, deleting.
    N_('Er is geen collega met dit account in uw organisatie.'),
    N_('Alleen een beheerder van deze organisatie beheert dit account.'),
    N_('U kunt uw eigen account niet uitschakelen; dat doet een andere beheerder.'),
    N_('Dit is de laatste erkende vertrouwenspersoon: na uitschakelen kan niemand nieuwe meldingen lezen. '
       'Laat eerst een andere vertrouwenspersoon erkennen.'),
    N_('Alleen een beheerder kan een tweede factor herstellen.'),
    N_('Er is geen collega met dit e-mailadres in uw organisatie.'),
    N_('Uw eigen tweede factor herstelt een andere beheerder, of u gebruikt een herstelcode.'),
    N_('U kunt uw eigen account niet verwijderen; dat doet een andere beheerder.'),
    N_('Dit account is erkend als ontvanger of heeft zelf sleutels erkend. Die erkenningen moeten in het '
       'ontvangerslogboek controleerbaar blijven: schakel het account uit in plaats van het te verwijderen.'),
    N_('Dit account komt voor in de geschiedenis van een melding of dossier; schakel het uit in plaats van het '
       'te verwijderen.'),
    # Endorsing and withdrawing a recipient (whistle.services.trust), on the recipients page.
    N_('De vingerafdruk klopt niet met de sleutel van dit account. Er is niets ondertekend; vergelijk hem '
       'opnieuw, telefonisch.'),
    N_('Wie erkent deze sleutel? Een vertrouwenspersoon of de organisatiesleutel.'),
    N_('Wie trekt de erkenning in? Een vertrouwenspersoon of de organisatiesleutel.'),
    N_('Dan blijft er geen erkende vertrouwenspersoon over en kan niemand nieuwe meldingen lezen. Erken eerst '
       'een andere vertrouwenspersoon.'),
    # The bevoegd gezag's decision and request for the identity (whistle.services.authority,
    # whistle.services.lifecycle.facts, whistle.domain.disclosure), on the dossier page.
    N_('De motivering van het besluit ontbreekt.'),
    N_('De motivering van het besluit op de klacht ontbreekt.'),
    N_("Kies een geldige waarde bij 'besluit' (onderzoek, geen_onderzoek, doorverwijzen)."),
    N_("Kies een geldige waarde bij 'besluit op de klacht' (onderzoek, geen_onderzoek)."),
    N_('outcome: dit dossier bevat geen klacht.'),
    N_('Kies de wettelijke grond waarop de identiteit moet worden bekendgemaakt; zonder wettelijke verplichting '
       'kan het niet.'),
    N_('De motivering ontbreekt: schrijf op waarom, met de vordering of beslissing waar het om gaat.'),
    N_('De melder heeft geen naam of contactgegevens gegeven: er is geen identiteit om bekend te maken. Er is '
       'niets aangevraagd.'),
    N_('Er loopt al een verzoek om de identiteit van deze melder bekend te maken; handel dat eerst af of trek het '
       'in.'),
)
