"""``python -m modtrace`` runs the command line."""

from modtrace.cli.entry import main

main()
