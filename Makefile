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
# and the scheme detectors (scores, communities and rings written back), report; then serve the API in
# the background with an admin key kept in var/api/demo-admin.key, and the dashboard beside it (`make stop`
# stops them all).
demo: install
	$(RUN) bigfinder neo4j start
	$(RUN) bigfinder db init
	$(RUN) bigfinder generate --scale 10000 --seed 1 var/world
	$(RUN) bigfinder ingest var/world
	$(RUN) bigfinder resolve
	$(RUN) bigfinder documents
	$(RUN) bigfinder analyze
	$(RUN) bigfinder risk fit && $(RUN) bigfinder risk score
	$(RUN) bigfinder gnn train --small && $(RUN) bigfinder gnn score
	$(RUN) bigfinder neo4j status
	$(RUN) bigfinder api key ensure --role admin --owner demo-admin --key-file var/api/demo-admin.key
	@if curl -s -o /dev/null http://127.0.0.1:8000/v1/health; then \
		echo "API already running at http://127.0.0.1:8000/v1/docs"; \
	else \
		nohup $(RUN) bigfinder api serve --pid-file var/api/api.pid > var/api/api.log 2>&1 & \
		for i in $$(seq 50); do curl -s -o /dev/null http://127.0.0.1:8000/v1/health && break; sleep 0.2; done; \
		echo "API serving at http://127.0.0.1:8000/v1/docs (log var/api/api.log; \`make stop\` stops it)"; \
	fi
	@echo "Try: curl -H \"Authorization: Bearer \$$(cat var/api/demo-admin.key)\" -H 'X-Purpose: demo' \
		'http://127.0.0.1:8000/v1/alerts?limit=5'"
	@mkdir -p var/dashboard
	@if curl -s -o /dev/null http://127.0.0.1:8050/; then \
		echo "Dashboard already running at http://127.0.0.1:8050/"; \
	else \
		nohup $(RUN) bigfinder dashboard serve --pid-file var/dashboard/dashboard.pid > var/dashboard/dashboard.log 2>&1 & \
		for i in $$(seq 100); do curl -s -o /dev/null http://127.0.0.1:8050/ && break; sleep 0.2; done; \
		echo "Dashboard at http://127.0.0.1:8050/ (log in with the key in var/api/demo-admin.key; log var/dashboard/dashboard.log)"; \
	fi

lint:
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy

test: install lint
	$(RUN) pytest

stop:
	@if [ -f var/api/api.pid ]; then kill $$(cat var/api/api.pid) 2>/dev/null || true; rm -f var/api/api.pid; fi
	@if [ -f var/dashboard/dashboard.pid ]; then kill $$(cat var/dashboard/dashboard.pid) 2>/dev/null || true; rm -f var/dashboard/dashboard.pid; fi
	$(RUN) bigfinder neo4j stop
