"""``python -m bigfinder`` runs the same command as the ``bigfinder`` script."""

from bigfinder.cli import main

main()
