"""The Dutch texts of the domain and the services that a melder reads, marked for the
translation catalogues (issue 16.1). The domain and services keep their Dutch and know nothing
of the reader's language; the melder's templates translate such a text where they show it with
the `translated` filter, which looks the Dutch text up in the catalogue (a text not listed
here stays Dutch). tests/i18n/test_melder_catalogue.py checks that every such text the code
has today is listed here, so a new state, step, field or refusal cannot slip through."""
from __future__ import annotations

from flask import Flask
from flask_babel import gettext

from whistle.web.staff_words import KNOWN as STAFF_KNOWN


def N_(text: str) -> str:
    """Marks a text for pybabel (-k N_) without translating it here."""
    return text


TEXTS = (
    # Refusals worded with values (whistle.services.errors.Worded): a text that is too long
    # (whistle.services.input.bounded_text), with the texts' names.
    N_('%(what)s is te lang (meer dan %(limit)s tekens).'),
    N_('Het bericht'),
    N_('Uw beschrijving'),
    N_('Uw klacht'),
    N_('Uw toelichting'),
    N_('Uw correcties'),
    N_('De maatregelen'),
    N_("Kies ja of nee bij '%(what)s'."),
    N_("Kies een geldige waarde bij '%(what)s' (%(allowed)s)."),
    N_('soort gesprek'),
    N_('Heeft u benadeling ervaren?'),
    # A meeting's and the minutes' refusals (whistle.services.melder.meeting, .minutes), with why.
    N_('kind: %(why)s. Er is niets gewijzigd.'),
    N_('meeting: %(why)s. Er is niets gewijzigd.'),
    N_('version: %(why)s. Er is niets gewijzigd.'),
    N_('version: alleen de nieuwste versie (%(newest)s) kan worden goedgekeurd of gecorrigeerd. Er is niets gewijzigd.'),
    N_('u heeft al om een gesprek gevraagd; dat verzoek loopt nog'),
    N_('uw melding is afgesloten; u kunt geen gesprek meer aanvragen'),
    N_('er is geen voorstel voor een gesprek om op te antwoorden'),
    N_('het verslag is al goedgekeurd'),
    # The reporter protocol's refusals (whistle.web.api, whistle.web.limits): the `error` of a
    # JSON answer follows the melder's language (docs/protocol.md 10.1).
    N_('Het verzoek is te groot.'),
    N_('De bijlage is te groot.'),
    N_('Uw browser heeft het rekenwerk voor deze melding niet (op tijd) gedaan. Uw melding is niet verstuurd; probeer het opnieuw.'),
    # The states of a case (whistle.domain.states), on the melder's case page.
    N_('Ontvangen'),
    N_('Ontvangst bevestigd'),
    N_('In behandeling'),
    N_('Doorgezet naar bevoegd gezag'),
    N_('Besluit genomen'),
    N_('Terugkoppeling gegeven'),
    N_('Afgesloten'),
    N_('Ingetrokken'),
    N_('Extern gemeld'),
    N_('Klacht ingediend'),
    N_('Klacht voorgelegd'),
    N_('Alsnog onderzoek na klacht'),
    # The melder's own steps (whistle.domain.lifecycle's transition table).
    N_('Melding intrekken'),
    N_('Ik heb extern gemeld'),
    N_('Ik ben het niet eens met de uitkomst'),
    N_('Klacht indienen over de afhandeling'),
    # The report's fields (whistle.domain.report): the questions and what a melder is told about them.
    N_('Wat is er gebeurd?'),
    N_('Beschrijf wat er is gebeurd.'),
    N_('Het veld is te lang (meer dan 50000 tekens).'),
    N_('Wanneer gebeurde het?'),
    N_('Waar gebeurde het?'),
    N_('Wie zijn erbij betrokken?'),
    N_('Hoe weet u dit?'),
    N_('Waar gaat het over? (mag leeg blijven)'),
    N_('Over welke gemeente of afdeling gaat uw melding? (mag leeg blijven)'),
    N_('Naam'),
    N_('Telefoon of e-mail'),
    # A meeting on request: its kinds (whistle.domain.meeting).
    N_('Een persoonlijk gesprek'),
    N_('Een telefoongesprek'),
    # A complaint's outcome and who decides on it (whistle.domain.complaint, whistle.domain.offices).
    N_('Alsnog onderzoek'),
    N_('Geen onderzoek'),
    N_('Burgemeester'),
    N_('Locoburgemeester'),
    N_('Wethouder'),
    N_('College van burgemeester en wethouders'),
    N_('College zonder het betrokken lid'),
    N_('Gemeentesecretaris'),
    N_('Dagelijks bestuur'),
    N_('Dagelijks bestuur zonder het betrokken lid'),
    N_('Algemeen bestuur'),
    N_('Voorzitter van het dagelijks bestuur'),
    N_('Directie'),
    N_('Algemeen directeur'),
    N_('Directeur'),
    N_('Directeur-bestuurder'),
    N_('Raad van commissarissen'),
    N_('Raad van toezicht'),
    N_('Leidinggevende'),
    N_('Vertrouwenspersoon integriteit'),
    # The answers of whistle.web.errors and the refusals a melder's pages show.
    N_('Het verzoek is niet geldig.'),
    N_('De code is onjuist of de sessie is verlopen.'),
    N_('U heeft hier geen toegang toe.'),
    N_('Deze pagina bestaat niet.'),
    N_('Deze actie is hier niet mogelijk.'),
    N_('Het versturen ging te langzaam of stokte. Er is niets opgeslagen; probeer het opnieuw.'),
    N_('Het bestand of formulier is te groot.'),
    N_('Te veel pogingen. Probeer het later opnieuw.'),
    N_('Er ging iets mis aan onze kant. Er is niets opgeslagen van deze poging.'),
    N_('Het formulier is verlopen of ongeldig. Laad de pagina opnieuw en probeer het nog eens.'),
    N_('Het formulier is ongeldig. Er is niets opgeslagen. Laad de pagina opnieuw en probeer het nog eens.'),
    N_('Dit formulier is te lang geleden geopend en kan niet meer worden verstuurd. Er is niets opgeslagen. Uw tekst staat er nog: controleer hem en verstuur het formulier opnieuw.'),
    N_('Deze melding is al ontvangen. U heeft het formulier opnieuw verstuurd (bijvoorbeeld door de pagina te vernieuwen of terug te gaan); er is geen tweede melding gemaakt.'),
    N_('Deze organisatie heeft nog geen vertrouwenspersoon ingesteld; melden is nog niet mogelijk.'),
    N_('Kies een onderwerp uit de lijst.'),
    N_('Onbekende gemeente of afdeling: kies er een uit de lijst.'),
    N_('Deze organisatie is niet bekend.'),
    N_('Alleen de melder kan, met de eigen code, toestemming geven of intrekken.'),
    N_('U heeft bij uw melding geen naam of contactgegevens gegeven; er is niets om te delen.'),
    N_('Het dossier voor het bevoegd gezag is al verstuurd; uw keuze kan niet meer veranderen wat erin staat. Er is niets gewijzigd.'),
    N_('Er staat nu geen vraag over benadeling voor u open.'),
    N_('Typ hoogstens 100 tekens van de naam van de organisatie.'),
    # whistle.web.melder_resume: the page after a session ended.
    N_('Uw sessie is verlopen, omdat u een tijd niets heeft verstuurd. Wat u typte is niet verloren: het staat hieronder. Vul uw code opnieuw in; daarna wordt het in één keer verstuurd.'),
    N_('Uw tekst'),
    N_('Uw antwoord'),
    # What the server's cleaner says after an upload (whistle.infra.metadata's summaries).
    N_('geen metadata gevonden; voor de zekerheid is het bestand toch opnieuw opgeslagen zonder verborgen gegevens.'),
    N_('dit bestand is te groot om de metadata te verwijderen: het is ongewijzigd verstuurd, met de metadata die erin staat.'),
    N_('uit dit soort bestand kunnen wij geen metadata verwijderen: het is ongewijzigd verstuurd.'),
    # What the browser's cleaner says (whistle.infra.metadata_words).
    N_('GPS-locatie (waar de foto is gemaakt)'),
    N_('merk, type en serienummer van camera of telefoon'),
    N_('datum en tijd van de opname'),
    N_('overige EXIF-gegevens (zoals software, auteur of beschrijving)'),
    N_('ingesloten miniatuurafbeelding'),
    N_('XMP-gegevens (zoals maker, bewerkingsgeschiedenis)'),
    N_('IPTC-gegevens (zoals maker en copyright)'),
    N_('opmerkingen en tekstvelden in het bestand'),
    N_('documenteigenschappen (zoals auteur, titel, programma en datums)'),
    N_('namen bij opmerkingen en aantekeningen'),
    N_("bewerkingsgegevens van programma's"),
    N_('extra ingesloten afbeeldingen of gegevens na het einde van de foto'),
    N_('namen bij bijgehouden wijzigingen'),
    N_('verwijderd: '),
    N_('geen metadata gevonden; het bestand gaat ongewijzigd mee.'),
    N_('u koos ervoor de metadata te laten staan: er is niets verwijderd.'),
    N_('deze verborgen gegevens kunnen wij in uw browser niet verwijderen zonder het bestand te veranderen: '),
    N_('wij kunnen in uw browser niet nagaan welke verborgen gegevens in dit bestand staan.'),
    N_('uit dit soort bestand kunnen wij geen metadata verwijderen.'),
    N_('verborgen gegevens zoeken…'),
    N_('Wat wilt u met dit bestand doen?'),
    N_('Niet meesturen'),
    N_('Toch meesturen zoals het is, met de verborgen gegevens'),
    N_('Kies bij elk bestand dat wij niet kunnen opschonen of u het weglaat of toch meestuurt: '),
    N_('niet meegestuurd, zoals u koos.'),
    N_('Wat op de afbeelding zelf te zien is, zoals gezichten, een naam op een scherm of het uitzicht uit een raam, kunnen wij niet weghalen.'),
    N_('De tekst, afbeeldingen en opmerkingen in het document zelf veranderen wij niet.'),
    N_("In Word-, Excel-, PowerPoint- en andere kantoorbestanden veranderen wij niets: de naam van de maker, eerdere versies, opmerkingen en bijgehouden wijzigingen kunnen erin blijven staan. Sla zo'n bestand liever eerst op als PDF."),
    N_('Stemmen en achtergrondgeluiden in een opname kunnen wij niet weghalen.'),
    N_('Gezichten, stemmen en achtergrondgeluiden in een video kunnen wij niet weghalen.'),
    N_('Wat er in het bestand zelf staat, veranderen wij niet.'),
    N_('De tekst, afbeeldingen en opmerkingen in het document zelf veranderen wij niet; eerdere versies en ingesloten bestanden kunnen erin blijven staan.'),
    # The external routes (whistle.domain.routes): what each body is for, when it applies, why it comes first.
    N_('Geeft melders vertrouwelijk advies, onderzoekt vermoedens van een misstand met maatschappelijk belang en onderzoekt of een melder na een melding benadeeld is.'),
    N_('Bij een vermoeden van een misstand waarvoor geen andere bevoegde autoriteit bevoegd is, of als u niet weet waar u terecht kunt. Advies kan altijd.'),
    N_('De commissie van de VNG die oudere gemeentelijke regelingen noemen voor meldingen van een vermoeden van een misstand bij een gemeente.'),
    N_('Als de interne melding niet binnen de termijn is afgehandeld of u het niet eens bent met het standpunt van de gemeente.'),
    N_('Sinds 2016 voert het Huis voor Klokkenluiders de taak van deze commissie uit; uw melding gaat daarom naar het Huis voor Klokkenluiders.'),
    N_('Toezicht op eerlijke concurrentie, consumentenbescherming en de markten voor energie, telecom, post en vervoer.'),
    N_('Bij een vermoeden van een misstand op het terrein waarop deze autoriteit toezicht houdt (bevoegde autoriteit volgens art. 2c Wbk), bijvoorbeeld prijsafspraken, misleiding van consumenten of misbruik van een machtspositie.'),
    N_('Toezicht op het gedrag van partijen op de financiële markten.'),
    N_('Bij een vermoeden van een misstand op het terrein waarop deze autoriteit toezicht houdt (bevoegde autoriteit volgens art. 2c Wbk), bijvoorbeeld handel met voorkennis, misleidende financiële producten of fouten in jaarverslagen.'),
    N_('Toezicht op nucleaire veiligheid en stralingsbescherming.'),
    N_('Bij een vermoeden van een misstand op het terrein waarop deze autoriteit toezicht houdt (bevoegde autoriteit volgens art. 2c Wbk), bijvoorbeeld onveilig werken met radioactieve stoffen of röntgenapparatuur.'),
    N_('Toezicht op de bescherming van persoonsgegevens (privacy).'),
    N_('Bij een vermoeden van een misstand op het terrein waarop deze autoriteit toezicht houdt (bevoegde autoriteit volgens art. 2c Wbk), bijvoorbeeld een datalek dat niet wordt gemeld, of persoonsgegevens die zonder grond worden gedeeld.'),
    N_('Toezicht op banken, verzekeraars en pensioenfondsen.'),
    N_("Bij een vermoeden van een misstand op het terrein waarop deze autoriteit toezicht houdt (bevoegde autoriteit volgens art. 2c Wbk), bijvoorbeeld witwassen, of een bank, verzekeraar of pensioenfonds die zijn risico's verzwijgt."),
    N_('Toezicht op de kwaliteit en veiligheid van zorg, jeugdhulp, geneesmiddelen en medische hulpmiddelen.'),
    N_('Bij een vermoeden van een misstand op het terrein waarop deze autoriteit toezicht houdt (bevoegde autoriteit volgens art. 2c Wbk), bijvoorbeeld onveilige zorg of jeugdhulp, of fouten met medicijnen die worden verzwegen.'),
    N_('Toezicht op voedselveiligheid, productveiligheid, dierenwelzijn en diergezondheid.'),
    N_('Bij een vermoeden van een misstand op het terrein waarop deze autoriteit toezicht houdt (bevoegde autoriteit volgens art. 2c Wbk), bijvoorbeeld onveilig voedsel, gevaarlijke producten of verwaarlozing van dieren.'),
    N_('Toezicht op de zorgmarkten, zorgaanbieders en zorgverzekeraars.'),
    N_('Bij een vermoeden van een misstand op het terrein waarop deze autoriteit toezicht houdt (bevoegde autoriteit volgens art. 2c Wbk), bijvoorbeeld onterechte declaraties of fraude met zorggeld.'),
    N_('Toezicht op het bestuur, de financiën en de integriteit van woningcorporaties.'),
    N_('Bij een vermoeden van een misstand bij een woningcorporatie.'),
    N_('De Autoriteit woningcorporaties is onderdeel van de Inspectie Leefomgeving en Transport.'),
    N_('Onderzoekt klachten over ongewenst gedrag (seksuele intimidatie, discriminatie, pesten, agressie en geweld); dit is een klachtroute, geen route voor misstanden.'),
    N_('Bij ongewenst gedrag, tot twee jaar na het gedrag, als uw organisatie bij de commissie is aangesloten.'),
    N_('Voluit: Landelijke Klachtencommissie Ongewenst Gedrag voor de Decentrale Overheid (LKOG), ondergebracht bij de VNG.'),
    N_('Aangifte of melding van een strafbaar feit.'),
    N_('Bij een vermoeden van een strafbaar feit; daarvan wordt in beginsel aangifte gedaan.'),
    N_('Welke instantie past? Kies de autoriteit die toezicht houdt op het terrein van uw vermoeden; bij elke autoriteit staat een voorbeeld. Past geen van deze, of twijfelt u, ga dan naar het Huis voor Klokkenluiders.'),
    N_('De termijn voor terugkoppeling is verstreken zonder dat u hebt gehoord wat er met uw melding gebeurt. U kunt uw melding nu voorleggen aan deze instantie.'),
    N_('U bent het niet eens met de uitkomst van uw melding. U kunt uw melding nu voorleggen aan deze instantie.'),
    N_('U mag op elk moment, ook zonder eerst intern te melden, een vermoeden van een misstand rechtstreeks melden bij een bevoegde autoriteit (Wet bescherming klokkenluiders, art. 2c). Het Huis voor Klokkenluiders kan u daarover ook eerst adviseren.'),
)


def translated(text):
    """A Dutch text from the domain or a service in the page's language, when the catalogue
    has it; anything else (a name, a regeling's own wording) as it is."""
    if not isinstance(text, str) or not text:
        return text
    params = getattr(text, "params", None)  # a refusal worded with values (whistle.services.errors.Worded)
    if params is not None:
        if text.text not in KNOWN and text.text not in STAFF_KNOWN:
            return text
        return gettext(text.text, **{k: _mid_sentence(v) for k, v in params.items()})
    return gettext(text) if text in KNOWN or text in STAFF_KNOWN else text


KNOWN = frozenset(TEXTS)


def _mid_sentence(value):
    """A value put into a worded refusal, in the page's language: a listed text as it is
    (translated), or a label written in lower case in the middle of a sentence ("(geweigerd)")
    translated from its capitalised form and lowered again."""
    if isinstance(value, str) and value and value not in KNOWN and value not in STAFF_KNOWN:
        capital = value[:1].upper() + value[1:]
        if capital in KNOWN or capital in STAFF_KNOWN:
            said = gettext(capital)
            return said[:1].lower() + said[1:]
    return translated(value)


def category_text(category, name: str = "label") -> str:
    """A regeling category's label, note or action in the page's language, when the regeling
    words it in that language ([categories.translations.<language>]); Dutch otherwise."""
    from whistle.domain.regeling_translations import category_text as in_language
    from whistle.web.i18n import language
    return in_language(category, name, language())


def choice_labels(organisation) -> dict[str, dict[str, str]]:
    """What the melder's choices in the report (a regeling category, a unit) read as, by id, in
    the page's language: a person never reads an id (the copy, both paths)."""
    from whistle.services.organisations import regeling_of
    regeling = regeling_of(organisation)
    return {"category": {c.id: category_text(c) for c in regeling.categories},
            "unit": {u.id: u.label for u in regeling.units}}


def init_app(app: Flask) -> None:
    app.add_template_filter(translated)
    app.add_template_filter(category_text)
    app.add_template_global(choice_labels, "melder_choice_labels")
