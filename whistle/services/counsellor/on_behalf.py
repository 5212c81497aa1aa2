"""A melding made by the vertrouwenspersoon on behalf of a melder who came in person.

The same client steps as the no-JavaScript form (whistle.services.melder.intake.submit_plain): a
fresh receipt code, keys derived from it, the case key wrapped to every counsellor and the
recovery key. No identity is stored, so the melder stays anonymous to everyone but the
counsellor they spoke to. The code is shown once, to hand over on paper, when the melder
wants to follow the case; otherwise it is dropped and nobody holds it."""
from __future__ import annotations

from whistle.domain.register import Channel
from whistle.models import Case
from whistle.services.context import UseCase
from whistle.services import audit
from whistle.services.melder import intake
from whistle.services.counsellor.betrokkenen import require_counsellor
from whistle.services.errors import Forbidden
from whistle.services.organisations import regeling_of
from whistle.services.staff.accounts import StaffPrincipal

NOT_IN_REGELING = ("De regeling van deze organisatie voorziet niet in een melding door de "
                   "vertrouwenspersoon namens de melder.")


def allowed(principal: StaffPrincipal) -> bool:
    regeling = regeling_of(principal.staff.organisation)
    return regeling.counsellor_may_report_on_behalf or regeling.anonymous_via_counsellor


def report_on_behalf(uc: UseCase, principal: StaffPrincipal, report: dict[str, str], *,
                     give_code: bool) -> tuple[Case, str | None]:
    """Store the melding; returns the case and, when asked for, the melder's code (once)."""
    session, clock = uc.session, uc.clock
    require_counsellor(principal)
    if not allowed(principal):
        raise Forbidden(NOT_IN_REGELING)
    case, code = intake.submit_plain(uc, principal.staff.organisation.slug, report, None, [],
                                     channel=Channel.ON_BEHALF)
    audit.record(session, chain=case.organisation.slug, actor=principal.staff.email,
                 event="case_reported_on_behalf", today=clock.today(), case_ref=case.ref,
                 code_handed_over=give_code)
    return case, (code if give_code else None)
