"""The regeling: an organisation's reporting policy, loaded from config/organisations/<slug>.toml.

The schema is documented in docs/regelingen.md. Validation stops at the first problem and
raises RegelingError naming the file and the dotted field (e.g. `external_routes[2].id`).
`Regeling.to_dict()` gives the JSON the app stores on the organisation row; `from_dict`
reads it back through the same validation.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from whistle.domain.deadlines import SIX_WEEKS, FeedbackTerm, TermStart, TermUnit
from whistle.domain.disclosure import DEFAULT_REACTION_TERM_DAYS, DisclosureRefused, check_term
from whistle.domain.errors import DeadlineError, RegelingError
from whistle.domain.lifecycle import MeldingKind
from whistle.domain.offices import Office
from whistle.domain.regeling_complaint import ComplaintRule, complaint_dict, parse_complaint
from whistle.domain.regeling_translations import category_translations
from whistle.domain.routes import ART_2C_AUTHORITIES, ROUTES
from whistle.domain.theme import Theme, theme_of
from whistle.domain.benadeling import DEFAULT_FOLLOW_UP_MONTHS, parse_follow_up_months
from whistle.domain.meeting import DEFAULT_PROPOSAL_DAYS, parse_meetings
from whistle.domain.oral_channels import OralChannels, oral_dict, parse_oral

ORGANISATION_KINDS: tuple[str, ...] = (
    "gemeente", "gemeenschappelijke_regeling", "woningcorporatie", "werkbedrijf", "overig")
DEFAULT_CLOSED_CASE_DAYS = 730  # a product choice; the Wbk says only "no longer than necessary"
# After closing, the melder is asked after these months whether they met benadeling (ISO 37002).
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    kind: MeldingKind  # how the counsellor will most likely triage it
    note: str = ""
    # A term of its own, running from the melding, for what `action` says must happen
    # (Senzer: inform the directie within two working days); recorded at triage.
    term: FeedbackTerm | None = None
    action: str = ""
    # The melder's form in other languages (whistle.domain.regeling_translations).
    translations: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()


@dataclass(frozen=True)
class Unit:
    """A unit a (shared-service) regeling serves: a municipality or a department (SamenTwente)."""

    id: str
    label: str


@dataclass(frozen=True)
class RouteRef:
    """A route from the catalogue as the regeling names it."""

    id: str
    wording: str | None = None


@dataclass(frozen=True)
class Recusal:
    """A melding concerning `concerns` is handled by `handled_by` instead."""

    concerns: str
    handled_by: str


@dataclass(frozen=True)
class Authority:
    recipients: tuple[str, ...]  # offices (whistle.domain.offices) that receive escalated dossiers
    recusal: tuple[Recusal, ...] = ()


@dataclass(frozen=True)
class Counsellor:
    may_report_on_behalf: bool = False
    anonymous_via_counsellor: bool = False
    annual_report_to: str | None = None


@dataclass(frozen=True)
class Regeling:
    slug: str
    name: str
    kind: str
    feedback_term: FeedbackTerm
    categories: tuple[Category, ...]
    external_routes: tuple[RouteRef, ...]
    authority: Authority
    counsellor: Counsellor = field(default_factory=Counsellor)
    closed_case_days: int = DEFAULT_CLOSED_CASE_DAYS
    source: str = ""  # the document the regeling was built from
    feedback_runs_from: TermStart = TermStart.ACKNOWLEDGEMENT
    follow_up_months: tuple[int, ...] = DEFAULT_FOLLOW_UP_MONTHS
    units: tuple[Unit, ...] = ()
    theme: Theme = field(default_factory=Theme)  # whistle.domain.theme
    # Days the melder has to react to a notice of disclosure without consent (domain.disclosure).
    disclosure_reaction_term: int = DEFAULT_REACTION_TERM_DAYS
    complaint: ComplaintRule | None = None  # a melder's complaint after the terugkoppeling
    meeting_proposal_days: int = DEFAULT_PROPOSAL_DAYS  # [meetings] proposal_days (domain.meeting)
    oral: OralChannels | None = None  # [oral]: phone, voicemail, meeting (domain.oral_channels)

    @property
    def counsellor_may_report_on_behalf(self) -> bool:
        return self.counsellor.may_report_on_behalf

    @property
    def anonymous_via_counsellor(self) -> bool:
        return self.counsellor.anonymous_via_counsellor

    @property
    def annual_report_to(self) -> str | None:
        return self.counsellor.annual_report_to

    def unit(self, unit_id: str) -> Unit:
        for u in self.units:
            if u.id == unit_id:
                return u
        raise KeyError(unit_id)

    def category(self, category_id: str) -> Category:
        for c in self.categories:
            if c.id == category_id:
                return c
        raise KeyError(category_id)

    def to_dict(self) -> dict[str, Any]:
        counsellor: dict[str, Any] = {
            "may_report_on_behalf": self.counsellor.may_report_on_behalf,
            "anonymous_via_counsellor": self.counsellor.anonymous_via_counsellor,
        }
        if self.counsellor.annual_report_to is not None:
            counsellor["annual_report_to"] = self.counsellor.annual_report_to
        data: dict[str, Any] = {
            "slug": self.slug,
            "name": self.name,
            "kind": self.kind,
            "feedback": {"term": {"amount": self.feedback_term.amount, "unit": self.feedback_term.unit.value},
                         "runs_from": self.feedback_runs_from.value},
            "benadeling": {"follow_up_months": list(self.follow_up_months)},
            "disclosure": {"reaction_term": self.disclosure_reaction_term},
            "meetings": {"proposal_days": self.meeting_proposal_days},
            "retention": {"closed_case_days": self.closed_case_days},
            "categories": [_category_dict(c) for c in self.categories],
            "external_routes": [
                {"id": r.id, **({"wording": r.wording} if r.wording else {})} for r in self.external_routes
            ],
            "authority": {
                "recipients": list(self.authority.recipients),
                "recusal": [{"concerns": r.concerns, "handled_by": r.handled_by} for r in self.authority.recusal],
            },
            "counsellor": counsellor,
        }
        if self.source:
            data["source"] = self.source
        if self.units:
            data["units"] = [{"id": u.id, "label": u.label} for u in self.units]
        if self.theme != Theme():
            data["theme"] = self.theme.to_dict()
        if self.complaint is not None:
            data["complaint"] = complaint_dict(self.complaint)
        return data | oral_dict(self.oral)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "<stored regeling>") -> "Regeling":
        return parse_regeling(dict(data), source)


def _category_dict(c: Category) -> dict[str, Any]:
    out: dict[str, Any] = {"id": c.id, "label": c.label, "kind": c.kind.value}
    if c.note:
        out["note"] = c.note
    if c.term is not None:
        out["term"] = {"amount": c.term.amount, "unit": c.term.unit.value}
        out["action"] = c.action
    if c.translations:
        out["translations"] = {code: dict(texts) for code, texts in c.translations}
    return out


class _Reader:
    """Reads one table of the regeling, knowing its dotted path for error messages."""

    def __init__(self, file: str, path: str, data: object, allowed: set[str]) -> None:
        self.file, self.path = file, path
        if not isinstance(data, Mapping):
            raise RegelingError(file, path or "<root>", f"must be a table, got {type(data).__name__}")
        self.data = data
        for key in data:
            if key not in allowed:
                raise RegelingError(file, self.at(key), f"unknown key; allowed: {', '.join(sorted(allowed))}")

    def at(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, message: str) -> RegelingError:
        return RegelingError(self.file, self.at(key), message)

    def get(self, key: str, kind: type | tuple[type, ...], required: bool = True, default: Any = None) -> Any:
        if key not in self.data:
            if required:
                raise self.fail(key, "missing")
            return default
        value = self.data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            names = " or ".join(k.__name__ for k in kinds)
            raise self.fail(key, f"must be {names}, got {type(value).__name__}")
        return value

    def text(self, key: str, required: bool = True, default: str | None = None) -> str | None:
        value = self.get(key, str, required, default)
        if key in self.data and not value.strip():
            raise self.fail(key, "must not be empty")
        return value

    def office(self, key: str, value: object) -> str:
        if not isinstance(value, str):
            raise RegelingError(self.file, key, f"must be an office name (str), got {type(value).__name__}")
        if value not in set(Office):
            raise RegelingError(self.file, key, f"unknown office {value!r}; known offices: "
                                f"{', '.join(sorted(o.value for o in Office))}")
        return value

    def table(self, key: str, allowed: set[str], required: bool = True) -> "_Reader | None":
        if key not in self.data:
            if required:
                raise self.fail(key, "missing")
            return None
        return _Reader(self.file, self.at(key), self.data[key], allowed)

    def array(self, key: str, required: bool = True, non_empty: bool = False) -> list:
        value = self.get(key, list, required, [])
        if non_empty and not value:
            raise self.fail(key, "must name at least one entry")
        return value


def _term(file: str, where: str, raw: object) -> FeedbackTerm:
    try:
        if isinstance(raw, str):
            term = FeedbackTerm.parse(raw)
        elif isinstance(raw, Mapping):
            r = _Reader(file, where, raw, {"amount", "unit"})
            unit = r.get("unit", str)
            if unit not in {u.value for u in TermUnit}:
                raise r.fail("unit", f"must be one of {[u.value for u in TermUnit]}, got {unit!r}")
            term = FeedbackTerm(r.get("amount", int), TermUnit(unit))
        else:
            raise RegelingError(file, where, f"must be a string like '6 weeks' or a table, got {type(raw).__name__}")
    except DeadlineError as exc:
        raise RegelingError(file, where, exc.message) from None
    if not term.within_statutory_maximum:
        raise RegelingError(
            file, where, f"term {term} can run past the statutory maximum of three months after the acknowledgement")
    return term


def parse_regeling(data: Mapping[str, Any], source: str, base_dir: Path | None = None) -> Regeling:
    """Validate a regeling given as a dict (from TOML or stored JSON); `source` names it in errors;
    `base_dir` is where the file lies (a theme's logo file is read from there)."""
    top = _Reader(source, "", data, {
        "slug", "name", "kind", "source", "feedback", "retention", "categories",
        "external_routes", "authority", "counsellor", "benadeling", "units", "theme", "disclosure",
        "complaint", "meetings", "oral"})

    slug = top.text("slug")
    if not _ID.match(slug):
        raise top.fail("slug", "use lowercase letters, digits, '-' and '_' only")
    name = top.text("name")
    kind = top.text("kind")
    if kind not in ORGANISATION_KINDS:
        raise top.fail("kind", f"unknown organisation kind {kind!r}; known: {', '.join(ORGANISATION_KINDS)}")
    doc = top.text("source", required=False, default="")

    feedback = top.table("feedback", {"term", "runs_from"})
    if "term" not in feedback.data:
        raise feedback.fail("term", "missing: the regeling must state its feedback term, e.g. '6 weeks'")
    term = _term(source, feedback.at("term"), feedback.data["term"])
    runs_from = feedback.get("runs_from", str, required=False, default=TermStart.ACKNOWLEDGEMENT.value)
    if runs_from not in {t.value for t in TermStart}:
        raise feedback.fail("runs_from", f"must be one of {[t.value for t in TermStart]}, got {runs_from!r}")

    closed_case_days = DEFAULT_CLOSED_CASE_DAYS
    retention = top.table("retention", {"closed_case_days"}, required=False)
    if retention is not None:
        closed_case_days = retention.get("closed_case_days", int)
        if closed_case_days < 1:
            raise retention.fail("closed_case_days", "must be at least 1")

    follow_up = parse_follow_up_months(top, closed_case_days)
    disclosure = top.table("disclosure", {"reaction_term"}, required=False)
    try:  # [disclosure] reaction_term: whole days, default 10 (whistle.domain.disclosure)
        reaction_term = check_term((disclosure.data if disclosure else {}).get("reaction_term", DEFAULT_REACTION_TERM_DAYS))
    except DisclosureRefused as exc:
        raise RegelingError(source, "disclosure.reaction_term", exc.message) from None
    units: list[Unit] = []
    for i, raw in enumerate(top.array("units", required=False)):
        u = _Reader(source, f"units[{i}]", raw, {"id", "label"})
        uid = u.text("id")
        if not _ID.match(uid):
            raise u.fail("id", "use lowercase letters, digits, '-' and '_' only")
        if any(existing.id == uid for existing in units):
            raise u.fail("id", f"duplicate unit {uid!r}")
        units.append(Unit(uid, u.text("label")))

    categories: list[Category] = []
    for i, raw in enumerate(top.array("categories", non_empty=True)):
        c = _Reader(source, f"categories[{i}]", raw, {"id", "label", "kind", "note", "term", "action", "translations"})
        cid = c.text("id")
        if not _ID.match(cid):
            raise c.fail("id", "use lowercase letters, digits, '-' and '_' only")
        if any(existing.id == cid for existing in categories):
            raise c.fail("id", f"duplicate category {cid!r}")
        ckind = c.text("kind")
        if ckind not in {k.value for k in MeldingKind}:
            raise c.fail("kind", f"unknown category kind {ckind!r}; known: {', '.join(k.value for k in MeldingKind)}")
        cterm = _term(source, c.at("term"), c.data["term"]) if "term" in c.data else None
        action = c.text("action", False, "")
        if (cterm is None) != (not action):
            raise c.fail("action" if cterm else "term",
                         "a category's term and action go together: what must happen, and within which term")
        categories.append(Category(cid, c.text("label"), MeldingKind(ckind), c.text("note", False, ""),
                                   cterm, action, category_translations(c)))

    routes: list[RouteRef] = []
    for i, raw in enumerate(top.array("external_routes", non_empty=True)):
        where = f"external_routes[{i}]"
        if isinstance(raw, str):
            ref, id_field = RouteRef(raw), where
        else:
            r = _Reader(source, where, raw, {"id", "wording"})
            ref, id_field = RouteRef(r.text("id"), r.text("wording", False)), r.at("id")
        known = ROUTES.get(ref.id)
        if known is None:
            raise RegelingError(source, id_field, f"unknown external route {ref.id!r}; known: {', '.join(ROUTES)}")
        if known.only_for_kinds and kind not in known.only_for_kinds:
            raise RegelingError(source, id_field, f"route {ref.id!r} applies only to {', '.join(sorted(known.only_for_kinds))}")
        if any(existing.id == ref.id for existing in routes):
            raise RegelingError(source, id_field, f"route {ref.id!r} is named twice")
        routes.append(ref)

    auth = top.table("authority", {"recipients", "recusal"})
    recipients = tuple(
        auth.office(auth.at("recipients") + f"[{i}]", value)
        for i, value in enumerate(auth.array("recipients", non_empty=True)))
    recusals: list[Recusal] = []
    for i, raw in enumerate(auth.array("recusal", required=False)):
        rr = _Reader(source, auth.at("recusal") + f"[{i}]", raw, {"concerns", "handled_by"})
        recusals.append(Recusal(
            rr.office(rr.at("concerns"), rr.get("concerns", str)),
            rr.office(rr.at("handled_by"), rr.get("handled_by", str))))

    counsellor = Counsellor()
    cr = top.table("counsellor", {"may_report_on_behalf", "anonymous_via_counsellor", "annual_report_to"}, required=False)
    if cr is not None:
        annual = cr.get("annual_report_to", str, required=False)
        counsellor = Counsellor(
            may_report_on_behalf=cr.get("may_report_on_behalf", bool, False, False),
            anonymous_via_counsellor=cr.get("anonymous_via_counsellor", bool, False, False),
            annual_report_to=cr.office(cr.at("annual_report_to"), annual) if annual is not None else None,
        )

    return Regeling(
        slug=slug, name=name, kind=kind, feedback_term=term, categories=tuple(categories),
        external_routes=tuple(routes), authority=Authority(recipients, tuple(recusals)),
        counsellor=counsellor, closed_case_days=closed_case_days, source=doc,
        feedback_runs_from=TermStart(runs_from), follow_up_months=follow_up, units=tuple(units),
        theme=theme_of(data, source, base_dir),
        disclosure_reaction_term=reaction_term,
        complaint=parse_complaint(top.table("complaint", {"decided_by", "term"}, required=False)),
        meeting_proposal_days=parse_meetings(top), oral=parse_oral(top),
    )


def load_regeling(path: str | Path) -> Regeling:
    """Read and validate config/organisations/<slug>.toml; the file name must be the slug."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RegelingError(str(path), "<file>", f"cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise RegelingError(str(path), "<toml>", f"not valid TOML: {exc}") from None
    regeling = parse_regeling(data, str(path), path.parent)
    if regeling.slug != path.stem:
        raise RegelingError(str(path), "slug", f"slug {regeling.slug!r} does not match the file name {path.name!r}")
    return regeling


def regeling_from_default() -> Regeling:
    """The statutory default: six weeks, the art. 2c authorities, the generic categories."""
    return Regeling(
        slug="default",
        name="Wettelijke standaardregeling",
        kind="overig",
        feedback_term=SIX_WEEKS,
        categories=tuple(Category(k.value, k.label, k) for k in MeldingKind),
        external_routes=tuple(RouteRef(r) for r in ART_2C_AUTHORITIES),
        authority=Authority(("directie",)),
        source="Wet bescherming klokkenluiders",
    )


def organisations_dir() -> Path:
    # The package lives at <repo>/whistle/domain, so the repository root is parents[2].
    return Path(__file__).resolve().parents[2] / "config" / "organisations"


def shipped_regeling_paths() -> list[Path]:
    """The regelingen shipped in config/organisations, sorted by file name."""
    return sorted(organisations_dir().glob("*.toml"))
