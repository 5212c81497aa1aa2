"""The Dutch texts of the domain and the services that staff read (the counsellor, the bevoegd
gezag, the beheerder), marked for the translation catalogues (issue 16.1), as
whistle.web.melder_words does for the melder. The domain and the services keep their Dutch; a
staff page shows such a text through the `translated` filter, which looks it up in the catalogue.

One module per room, so that work on one room does not touch another's list:
`admin` (beheerder, staff login, register), `case` (the counsellor's case page and the bevoegd
gezag's dossier), `lists` (inbox, deadlines, notices, errors), `mail` (mails and exported
documents). tests/i18n/test_staff_catalogue.py checks that the texts the code has are listed."""
from __future__ import annotations

from whistle.web.staff_words import admin, case, lists, mail


def N_(text: str) -> str:
    """Marks a text for pybabel (-k N_) without translating it here."""
    return text


KNOWN = frozenset(admin.TEXTS + case.TEXTS + lists.TEXTS + mail.TEXTS)
