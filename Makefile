# The two entry points of the README: `make demo` (install everything, run the main job) and
# `make test` (install everything, run the checks and the tests).
.PHONY: install demo test lint stop

# uv from PATH, or the copy scripts/bootstrap.sh installs with pip on a machine that had none.
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
RUN := $(UV) run --frozen --extra dev

install:
	./scripts/bootstrap.sh

# The main job, extended by each component as it lands: start Neo4j, create the schema, generate a
# small synthetic world and load it (idempotent: a second run changes nothing), run the graph analytics
# and the scheme detectors (scores, communities and rings written back), report.
demo: install
	$(RUN) bigfinder neo4j start
	$(RUN) bigfinder db init
	$(RUN) bigfinder generate --scale 10000 --seed 1 var/world
	$(RUN) bigfinder ingest var/world
	$(RUN) bigfinder analyze
	$(RUN) bigfinder neo4j status

lint:
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy

test: install lint
	$(RUN) pytest

stop:
	$(RUN) bigfinder neo4j stop
