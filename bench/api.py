"""The API benchmark: single score lookups under load, 2-hop ego networks, batches of 1,000 scores.

The API runs with uvicorn in a process of its own on loopback, against the Neo4j of the environment
(``BIGFINDER_NEO4J_*``), which must hold a loaded world (``bigfinder ingest``). Load comes from another
process: ``wrk`` (with a Lua script picking a random entity per request) for the score lookups, and this
process's own httpx client, one request at a time, for the ego networks and batches. Every request is
authenticated and audited as in production (keys and audit log in a temporary SQLite file); the load
average is printed at the start and the end.

    .venv/bin/python bench/api.py --duration 15 --connections 16

Bars (issue 5): score lookups >= 1,000 req/s with p99 <= 50 ms; 2-hop ego network p95 <= 100 ms on a
1 M-node graph; a batch of 1,000 scores <= 200 ms.
"""

# ruff: noqa: E402 - the imports below must come after the sys.path repair
from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, Python puts bench/ first on sys.path, where this file would shadow the api package.
_BENCH_DIR = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == _BENCH_DIR:
    sys.path[0] = str(_BENCH_DIR.parent)

import argparse
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from api.access import AccessStore, Role
from bigfinder.settings import Settings
from graph.store import open_driver

__all__ = ["main"]

PORT = 8791
_WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_WRK_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
_WRK_ERRORS = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _sample_keys(settings: Settings, label: str, key: str, count: int) -> list[str]:
    # Bench-only reads of the loaded world; the label and key come from this file, never from input.
    driver = open_driver(settings)
    try:
        records = driver.execute_query(
            f"MATCH (n:{label}) WITH n.{key} AS key, rand() AS r ORDER BY r LIMIT $count RETURN key",
            count=count,
            database_=settings.neo4j_database,
        ).records
        graph_size = driver.execute_query(
            "MATCH (n) RETURN count(n) AS nodes", database_=settings.neo4j_database
        ).records[0]["nodes"]
    finally:
        driver.close()
    print(f"graph: {graph_size:,} nodes; sampled {len(records):,} {label} keys")
    return [str(r["key"]) for r in records]


@contextmanager
def _api_process(settings: Settings, folder: Path) -> Iterator[tuple[str, int]]:
    """uvicorn serving the API on loopback, in its own process; yields its base URL and process id."""
    env = settings.as_environment(
        api_access_db=str(folder / "access.sqlite3"),
        api_upload_dir=str(folder / "uploads"),
        xray_spool_dir=str(folder / "xray"),
        api_rate_limit_per_minute=1_000_000_000,
    )
    command = [
        sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(PORT), "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=Path(__file__).resolve().parent.parent)  # noqa: S603
    url = f"http://127.0.0.1:{PORT}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{url}/v1/health", timeout=1.0)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wrk_scores(
    url: str, server_pid: int, key: str, people: list[str], duration: int, connections: int, folder: Path
) -> None:
    script = folder / "scores.lua"
    paths = ", ".join(f'"/v1/scores/Person/{p}"' for p in people)
    script.write_text(
        f"local paths = {{{paths}}}\n"
        "request = function()\n"
        "  return wrk.format('GET', paths[math.random(#paths)],"
        f" {{['Authorization'] = 'Bearer {key}', ['X-Purpose'] = 'benchmark'}})\n"
        "end\n",
        encoding="utf-8",
    )
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(script), url]
    cpu_before = _cpu_seconds(server_pid)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    # CPU per lookup hardly moves with the machine's load, unlike rate and latency: it compares code.
    server_cpu = _cpu_seconds(server_pid) - cpu_before
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    rate = float(_WRK_RATE.search(output).group(1))  # type: ignore[union-attr]
    latency = {
        int(m.group(1)): float(m.group(2)) * _UNIT_MS[m.group(3)] for m in _WRK_LATENCY.finditer(output)
    }
    errors = _WRK_ERRORS.search(output)
    print(
        f"score lookup (GET /v1/scores/Person/{{key}}, wrk -c{connections}, {duration} s): "
        f"{rate:,.0f} req/s, p50 {latency[50]:.1f} ms, p99 {latency[99]:.1f} ms"
        + (f", {errors.group(1)} non-2xx" if errors else "")
        + f", server CPU {server_cpu / requests * 1e6:,.0f} us per lookup"
        + "   [bar: >= 1,000 req/s, p99 <= 50 ms]"
    )


def _timed(client: httpx.Client, method: str, path: str, **kwargs: object) -> float:
    started = time.perf_counter()
    answer = client.request(method, path, **kwargs)  # type: ignore[arg-type]
    elapsed = (time.perf_counter() - started) * 1000
    answer.raise_for_status()
    return elapsed


def _percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _ego_networks(client: httpx.Client, people: list[str]) -> None:
    times = [_timed(client, "GET", f"/v1/entities/Person/{p}/network", params={"hops": 2}) for p in people]
    print(
        f"ego network, 2 hops (default caps: 25 per node, 500 nodes), {len(times)} people: "
        f"p50 {_percentile(times, 50):.1f} ms, p95 {_percentile(times, 95):.1f} ms   [bar: p95 <= 100 ms]"
    )


def _batches(client: httpx.Client, people: list[str], repeat: int) -> None:
    times = []
    for i in range(repeat):
        refs = [{"label": "Person", "key": p} for p in people[i * 37 :] + people[: i * 37]][:1000]
        times.append(_timed(client, "POST", "/v1/scores/batch", json={"refs": refs}))
    print(
        f"batch of 1,000 scores, {repeat} calls: p50 {_percentile(times, 50):.1f} ms, "
        f"max {max(times):.1f} ms   [bar: <= 200 ms]"
    )


def _load() -> str:
    # The machine is shared: figures mean little without how busy it was.
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="Seconds of score-lookup load.")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections.")
    parser.add_argument("--networks", type=int, default=200, help="Ego networks to time.")
    parser.add_argument("--batches", type=int, default=20, help="Batches of 1,000 to time.")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    settings = Settings()
    print(f"load average (1, 5, 15 min) at the start: {_load()}")
    people = _sample_keys(settings, "Person", "person_id", 5_000)
    folder = Path(tempfile.mkdtemp(prefix="bigfinder-bench-api-"))
    store = AccessStore(folder / "access.sqlite3")
    model_key = store.create_key(Role.MODEL_SERVICE, "bench-model").secret
    analyst_key = store.create_key(Role.ANALYST, "bench-analyst").secret
    store.close()
    try:
        with _api_process(settings, folder) as (url, server_pid):
            headers = {"Authorization": f"Bearer {analyst_key}", "X-Purpose": "benchmark"}
            with httpx.Client(base_url=url, headers=headers, timeout=30.0) as client:
                # Warm the server's query plans and page cache before anything is timed.
                for p in people[:50]:
                    client.get(f"/v1/entities/Person/{p}/network", params={"hops": 2})
                    client.get(f"/v1/scores/Person/{p}")
                _wrk_scores(url, server_pid, model_key, people, args.duration, args.connections, folder)
                _ego_networks(client, people[: args.networks])
                _batches(client, people, args.batches)
        # After the server stopped: score lookups queue their audit rows, and its store commits them all
        # when it closes.
        audit = AccessStore(folder / "access.sqlite3")
        rows = len(audit.audit(limit=10_000_000))
        audit.close()
        print(f"audit rows written: {rows:,}")
        print(f"load average (1, 5, 15 min) at the end: {_load()}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
