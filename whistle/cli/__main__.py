"""`python -m whistle.cli ...`, the same as the `whistle` command."""
from whistle.cli import main

main()
