"""The annual report of one organisation (or a shared-service overview of several): who may
see it, building the figures, and the audited acts (viewing, exporting, delivering to the
regeling's annual_report_to office)."""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select

from whistle.domain.indicators import AnnualFigures, annual_figures
from whistle.domain.offices import Office
from whistle.domain.roles import StaffRole
from whistle.models import AuditEvent, Organisation
from whistle.services import audit
from whistle.services.context import UseCase
from whistle.services.errors import Forbidden, InvalidInput
from whistle.services.organisations import get_organisation, regeling_of
from whistle.services.register.facts import facts
from whistle.services.staff.accounts import StaffPrincipal

CLI = "cli"  # the operator at the command line


@dataclass(frozen=True)
class AnnualReport:
    title: str          # the organisation's name, or the names of a shared service's organisations
    slugs: tuple[str, ...]
    figures: AnnualFigures
    previous: AnnualFigures
    report_to: str | None  # the label of the annual_report_to office, when the regeling names one


def check_year(year: object) -> int:
    try:
        y = int(str(year))
    except ValueError:
        raise InvalidInput("year: geef een jaartal, bijvoorbeeld 2026.", field="year") from None
    if not 2000 <= y <= 2100:
        raise InvalidInput("year: geef een jaartal tussen 2000 en 2100.", field="year")
    return y


def may_see_report(member: StaffPrincipal | str, org: Organisation) -> bool:
    """The organisation's vertrouwenspersonen and the member of the bevoegd gezag holding the
    regeling's annual_report_to office; nobody else (the operator at the CLI aside)."""
    if member == CLI:
        return True
    staff = member.staff
    if staff.organisation_id != org.id or not staff.active:
        return False
    if staff.role == StaffRole.COUNSELLOR:
        return True
    office = regeling_of(org).annual_report_to
    return staff.role == StaffRole.AUTHORITY and office is not None and staff.authority_function == office


def report_to_label(org: Organisation) -> str | None:
    office = regeling_of(org).annual_report_to
    return Office(office).label if office else None


def actor_name(member: StaffPrincipal | str) -> str:
    return member if isinstance(member, str) else member.staff.email


def _build(uc: UseCase, orgs: list[Organisation], year: int) -> AnnualReport:
    found = facts(uc.session, [o.id for o in orgs], [year - 1, year])
    categories: dict[str, str] = {}  # id -> label, the first organisation's wording for a shared id
    for o in orgs:
        for c in regeling_of(o).categories:
            categories.setdefault(c.id, c.label)
    pairs = [(label, cid) for cid, label in categories.items()]
    units = {u.id: u.label for o in orgs for u in regeling_of(o).units}
    return AnnualReport(", ".join(o.name for o in orgs), tuple(o.slug for o in orgs),
                        annual_figures(found, year, pairs, [(v, k) for k, v in units.items()]),
                        annual_figures(found, year - 1, pairs, [(v, k) for k, v in units.items()]),
                        report_to_label(orgs[0]) if len(orgs) == 1 else None)


def annual_report(uc: UseCase, member: StaffPrincipal | str, org_slug: str, year: object, *,
                  purpose: str = "viewed") -> AnnualReport:
    """The report for `org_slug` and `year`; opening or exporting it is an audit event."""
    y = check_year(year)
    org = get_organisation(uc.session, org_slug)
    if not may_see_report(member, org):
        raise Forbidden("Alleen de vertrouwenspersoon en de ontvanger van het jaarverslag zien dit verslag.")
    audit.record(uc.session, chain=org.slug, actor=actor_name(member), event=f"annual_report_{purpose}",
                 today=uc.today(), year=y)
    return _build(uc, [org], y)


def deliver(uc: UseCase, member: StaffPrincipal, year: object) -> str:
    """The vertrouwenspersoon offers the year's report to the annual_report_to office: an audited
    event the office holder's page shows. Returns the office's label."""
    y = check_year(year)
    org = member.staff.organisation
    if member.staff.role != StaffRole.COUNSELLOR:
        raise Forbidden("Alleen de vertrouwenspersoon biedt het jaarverslag aan.")
    office = regeling_of(org).annual_report_to
    if office is None:
        raise InvalidInput("De regeling noemt geen ontvanger van het jaarverslag (annual_report_to).")
    audit.record(uc.session, chain=org.slug, actor=member.staff.email, event="annual_report_delivered",
                 today=uc.today(), year=y, office=office)
    return Office(office).label


def delivered_years(uc: UseCase, org: Organisation) -> list[int]:
    """The years whose report was delivered to the office, newest first."""
    rows = uc.session.scalars(select(AuditEvent.details).where(
        AuditEvent.chain == org.slug, AuditEvent.event == "annual_report_delivered"))
    return sorted({int(json.loads(d)["year"]) for d in rows}, reverse=True)


def shared_overview(uc: UseCase, member: StaffPrincipal | str, org_slugs: list[str], year: object) -> AnnualReport:
    """One overview of the counts across the organisations a shared service serves (e.g.
    SamenTwente for the Twente municipalities), with the same suppression over the combined
    counts. The member must be entitled to each organisation's report."""
    y = check_year(year)
    orgs = [get_organisation(uc.session, s) for s in dict.fromkeys(org_slugs)]
    if not orgs:
        raise InvalidInput("org: noem ten minste één organisatie.", field="org")
    for org in orgs:
        if not may_see_report(member, org):
            raise Forbidden("U ziet alleen de cijfers van organisaties waarvoor u vertrouwenspersoon bent.")
        audit.record(uc.session, chain=org.slug, actor=actor_name(member), event="shared_overview_viewed",
                     today=uc.today(), year=y, organisations=len(orgs))
    return _build(uc, orgs, y)
