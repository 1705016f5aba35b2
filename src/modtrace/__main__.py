"""``python -m modtrace`` runs the command line."""

from modtrace.cli.main import main

main()
