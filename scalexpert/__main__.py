"""``python -m scalexpert`` runs the command line."""

from .cli import main

main()
