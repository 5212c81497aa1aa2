"""Use cases: plain functions that the web views, the CLI and the scheduler call alike. Each
takes the use-case context first (whistle.services.context.UseCase: the caller's session, the
settings and the clock), then the acting principal and what was sent; it raises the errors of
whistle.services.errors and records in the audit trail what it changed or decrypted, in the
caller's transaction, leaving the commit to the caller. Small helpers that only read take a
session. The scheduler's jobs (deadline watch, retention purge) take a session factory and use
a transaction per case, and backups work on whole databases outside any session.

Grouped by whom they serve: `melder` (intake, their own case, consent), `counsellor` (the
vertrouwenspersoon's casework, a melding on behalf of a melder, escalation, betrokkenen,
sharing), `authority` (the bevoegd gezag's dossiers and decisions), `staff` (accounts, login,
second factor, recovery) and `operations` (backups, the deadline watch, retention, case lists
for operators). Shared by several of them, at the top level: audit, cases, context, dossiers,
errors, input (parsing what people send), lifecycle (the one entry point for a transition) and
organisations. Machinery with no rules of its own (storage, throttle, mail, the database) is
in whistle.infra."""

# Registers the flush hook that keeps cases.next_due (whistle.services.cases.keep_next_due) with
# every session, whichever use case is imported first.
from whistle.services import cases as _cases  # noqa: E402,F401
