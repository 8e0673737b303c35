# The two entry points of the README: `make demo` (install everything, run the main job) and
# `make test` (install everything, run the checks and the tests).
.PHONY: install demo test lint stop

install:
	./scripts/bootstrap.sh

# The main job, extended by each component as it lands: start Neo4j, create the schema, report.
demo: install
	uv run bigfinder neo4j start
	uv run bigfinder db init
	uv run bigfinder neo4j status

lint:
	uv run ruff check .
	uv run ruff format --check .
	uv run mypy

test: install lint
	uv run pytest

stop:
	uv run bigfinder neo4j stop
