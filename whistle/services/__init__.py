"""Use cases: plain functions that the web views, the CLI and the scheduler call alike. Each
takes what it needs (a database session; as needed the settings, the clock, the acting
principal and what was sent), raises the errors of whistle.services.errors and records in
the audit trail what it changed or decrypted. Most run in the caller's transaction and leave
the commit to it; the scheduler's jobs (deadline watch, retention purge) take a session
factory and use a transaction per case, and backups work on whole databases outside any session.

Grouped by whom they serve: `melder` (intake, their own case, consent), `counsellor` (the
vertrouwenspersoon's casework, a melding on behalf of a melder, escalation, betrokkenen,
sharing), `authority` (the bevoegd gezag's dossiers and decisions), `staff` (accounts, second
factor, recovery) and `operations` (backups, the deadline watch, retention, case lists for
operators). Shared by several of them, at the top level: audit, cases, dossiers, errors, input
(parsing what people send), lifecycle (the one entry point for a transition) and
organisations. Machinery with no rules of its own (storage, throttle, mail, the database) is
in whistle.infra."""
