"""Use cases. Each is a plain function over (session, actor, input) that raises the errors of
whistle.services.errors and writes its audit event in the same transaction. The web views,
the CLI and the scheduler all call these; none of them touch the models directly."""
