"""`python -m service` runs the `checklistor` command."""

from service.cli import main

main()
