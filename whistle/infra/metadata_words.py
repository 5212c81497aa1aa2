"""The words the browser's cleaner (static/js/clean.js) says to the melder: the server path's
own phrases from whistle.infra.metadata, keyed by what clean.js returns, and the few sentences
only the browser path needs (it also cleans office files, and asks before sending a file it
cannot clean). Rendered into the form by templates/reporter/_metadata_words.html."""
from __future__ import annotations

from whistle.infra.metadata import (
    _CANNOT_REMOVE, _SUMMARY, KEPT, L_DEVICE, L_EXIF, L_GPS, L_IPTC, L_PDF_APP, L_PDF_INFO, L_PDF_NAMES,
    L_TEXT, L_THUMB, L_TIME, L_XMP,
)

# Said only by the browser's cleaner (static/js/clean.js), which also cleans office files.
L_EXTRA = "extra ingesloten afbeeldingen of gegevens na het einde van de foto"
L_REVISIONS = "namen bij bijgehouden wijzigingen"

# The words of the browser path (static/js/clean.js returns the keys; reporter/_metadata_words.html
# renders the phrases), so a melder reads the same sentence whichever path their file took.
BROWSER_WORDS = {
    "gps": L_GPS, "device": L_DEVICE, "time": L_TIME, "exif": L_EXIF, "thumb": L_THUMB, "xmp": L_XMP,
    "iptc": L_IPTC, "text": L_TEXT, "info": L_PDF_INFO, "names": L_PDF_NAMES, "app": L_PDF_APP,
    "extra": L_EXTRA, "revisions": L_REVISIONS,
    "status-cleaned": "verwijderd: ",
    "status-nothing": "geen metadata gevonden; het bestand gaat ongewijzigd mee.",
    "status-kept": _SUMMARY[KEPT],
    "status-refused": "deze verborgen gegevens kunnen wij in uw browser niet verwijderen zonder het "
                      "bestand te veranderen: ",
    "status-unseen": "wij kunnen in uw browser niet nagaan welke verborgen gegevens in dit bestand staan.",
    "status-unsupported": "uit dit soort bestand kunnen wij geen metadata verwijderen.",
    "status-busy": "verborgen gegevens zoeken…",
    "choice-legend": "Wat wilt u met dit bestand doen?",
    "choice-leave-out": "Niet meesturen",
    "choice-send": "Toch meesturen zoals het is, met de verborgen gegevens",
    "choice-missing": "Kies bij elk bestand dat wij niet kunnen opschonen of u het weglaat of toch meestuurt: ",
    "left-out": "niet meegestuurd, zoals u koos.",
    **{"cannot-" + kind: text for kind, text in _CANNOT_REMOVE.items()},
    "cannot-office-cleaned": "De tekst, afbeeldingen en opmerkingen in het document zelf veranderen wij "
                             "niet; eerdere versies en ingesloten bestanden kunnen erin blijven staan.",
}
