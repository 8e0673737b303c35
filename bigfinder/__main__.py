"""``python -m bigfinder`` runs the same command as the ``bigfinder`` script."""

from bigfinder.cli import main

# Guarded: ingest stages sources in spawned worker processes, which import this module again.
if __name__ == "__main__":
    main()
