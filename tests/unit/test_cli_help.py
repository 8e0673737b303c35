import subprocess
import sys


def test_help_lists_every_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bigfinder", "--help"],
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "250"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Usage: bigfinder" in done.stdout
    for command in ("neo4j build", "neo4j start", "neo4j stop", "neo4j status", "db init"):
        assert f"bigfinder {command}" in done.stdout
