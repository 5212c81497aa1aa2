"""docs/glossary.md names every state, actor, melding kind, decision, record kind, recipient
role and staff role the code knows, so a word in the code can always be looked up."""
from pathlib import Path

from whistle.domain.lifecycle import STATE_LABELS, Actor, Decision, Event, MeldingKind, State
from whistle.models import STAFF_ROLES

GLOSSARY = (Path(__file__).resolve().parents[2] / "docs" / "glossary.md").read_text(encoding="utf-8")

DUTCH_WORDS = (
    "melding", "melder", "vertrouwenspersoon", "bevoegd gezag", "regeling", "terugkoppeling",
    "ontvangstbevestiging", "misstand", "integriteitsschending", "meldingswaardig", "betrokkene",
    "dossier", "herstelsleutel", "klokkenluidersvoorziening", "Huis voor Klokkenluiders", "Wbk",
)


def test_the_glossary_has_the_domain_words():
    missing = [w for w in DUTCH_WORDS if w.lower() not in GLOSSARY.lower()]
    assert missing == []


def test_every_code_name_of_the_lifecycle_and_roles_is_in_the_glossary():
    names = ([s.value for s in State] + [e.value for e in Event] + [a.value for a in Actor]
             + [k.value for k in MeldingKind] + [d.value for d in Decision] + list(STAFF_ROLES)
             + ["report", "identity", "message", "attachment", "recovery", "reporter"])
    missing = [n for n in names if f"`{n}`" not in GLOSSARY]
    assert missing == [], f"code names without an entry: {missing}"
    for state, label in STATE_LABELS.items():
        assert f"| `{state.value}` | {label} |" in GLOSSARY, f"state {state.value} with its label"
