"""Infrastructure: the machinery use cases run on, with no rules about meldingen of its own.
Attachment bodies on disk (`attachments`), abuse limits (`throttle`), slots for heavy work
(`work_slots`), run-once claims of scheduled jobs (`job_runs`), deleting expired sessions
(`session_expiry`), removing metadata from files (`metadata`, decoded in a child process under
limits by `metadata_sandbox` and `metadata_child`), outgoing mail (`mail`), the
engine and sessions (`db`) and schema migrations (`migrate`).

It may import crypto, whistle.models, whistle.settings, whistle.clock, other infra modules and
whistle.services.errors (the errors it raises up to a use case), never a use case or the web:
whistle.services and whistle.web import infra, not the other way round."""
