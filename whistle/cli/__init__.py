"""`whistle ...`: the operator's command line, a module per command group. Every command
calls the same services as the web; none writes to the models directly."""
from whistle.cli.base import main
from whistle.cli import (  # noqa: F401  (each registers its commands)
    audit, backup, case, config, db, org, recovery, register, report, scheduler, serve, trust_cmds, user,
)

__all__ = ["main"]
