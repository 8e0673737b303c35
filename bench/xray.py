"""The X-ray service under load and under a crash, over loopback against its own process.

``load``: starts ``bigfinder xray serve`` as a subprocess (its own spool and key store in a temporary
folder, the Neo4j of the environment), posts hits at a target rate from this process (asyncio, many
connections), and prints the sustained hits/s, p50/p99 acknowledgement latency, and the drain rate into
Neo4j (hits/s from the first post until the last acknowledged hit is an XRayHit node).

``fault``: posts hits, SIGKILLs the service mid-stream, restarts it on the same spool, re-posts what was
never acknowledged (as a scanner retries) and the rest, waits for the drain, and checks that every
acknowledged scan id is exactly one XRayHit node and no node is a hit that was never sent.

Object references are real parcels, trips and declarations read from the graph (hits link and are
assessed, as in production) plus a share of unknown ones (hits kept pending).

    uv run python bench/xray.py load --hits 30000 --rate 600
    uv run python bench/xray.py fault --hits 4000 --kill-after 1500
"""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from neo4j import Driver

from api.access import AccessStore, Role
from bigfinder.settings import PROJECT_ROOT, Settings
from graph.store import open_driver
from xray_service.discrepancy import default_class_map

__all__ = ["FaultResult", "LoadResult", "Service", "make_hits", "run_fault", "run_load"]

_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_UNKNOWN_SHARE = 0.2


def _s10(serial: int) -> str:
    digits = f"{serial % 10**8:08d}"
    check = 11 - sum(int(d) * w for d, w in zip(digits, _S10_WEIGHTS, strict=True)) % 11
    check_digit = {10: 0, 11: 5}.get(check, check)
    return f"ZZ{digits}{check_digit}KR"


def _known_objects(driver: Driver, settings: Settings) -> dict[str, list[str]]:
    """Up to 5,000 refs of each kind from the graph (bench-only reads, so inline Cypher)."""
    queries = {
        "parcel": "MATCH (o:Parcel) RETURN o.tracking_number AS ref LIMIT 5000",
        "baggage": "MATCH (o:Trip) RETURN o.trip_id AS ref LIMIT 5000",
        "container": "MATCH (o:Declaration) WHERE o.container_number IS NOT NULL "
        "RETURN o.container_number AS ref LIMIT 5000",
    }
    return {
        kind: [str(r["ref"]) for r in driver.execute_query(q, database_=settings.neo4j_database).records]
        for kind, q in queries.items()
    }


def make_hits(count: int, known: dict[str, list[str]], seed: int, prefix: str) -> list[dict[str, Any]]:
    """``count`` valid hits; most name known objects, ``_UNKNOWN_SHARE`` name parcels not in the graph."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    classes = sorted(default_class_map().vocabulary)
    start = datetime.now(UTC) - timedelta(days=1)
    hits = []
    for n in range(count):
        kinds = [k for k in ("parcel", "baggage", "container") if known.get(k)]
        if not kinds or rng.random() < _UNKNOWN_SHARE:
            object_type, ref = "parcel", _s10(rng.randrange(10**8))
        else:
            object_type = rng.choice(kinds)
            ref = rng.choice(known[object_type])
        detections = [
            {
                "detected_class": rng.choice(classes),
                "confidence": round(rng.uniform(0.3, 0.99), 3),
                "bbox": [
                    rng.randrange(0, 800),
                    rng.randrange(0, 500),
                    rng.randrange(8, 200),
                    rng.randrange(8, 200),
                ],
            }
            for _ in range(rng.randint(1, 3))
        ]
        hits.append(
            {
                "scan_id": f"{prefix}{n:08d}",
                "object_type": object_type,
                "object_ref": ref,
                "detections": detections,
                "image_ref": f"xray://BENCH/{prefix}{n:08d}.png",
                "image_width": 1024,
                "image_height": 768,
                "scanned_at": (start + timedelta(seconds=n)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "operator": f"OP-{rng.randrange(1000):04d}",
            }
        )
    return hits


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Service:
    """``bigfinder xray serve`` in a subprocess, on a spool and key store of its own."""

    def __init__(self, settings: Settings, workdir: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._workdir = workdir
        self._env = settings.as_environment(
            neo4j_uri=settings.bolt_uri,
            xray_spool_dir=str(workdir / "spool"),
            api_access_db=str(workdir / "access.sqlite3"),
            xray_link_interval_s=5,
        )
        store = AccessStore(workdir / "access.sqlite3")
        self.key = store.create_key(Role.SCANNER, "bench-scanner").secret
        store.close()
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 60.0) -> None:
        """Start the process and wait until it answers."""
        command = [sys.executable, "-m", "bigfinder", "xray", "serve", "--port", str(self.port)]
        log = (self._workdir / "service.log").open("ab")
        self._process = subprocess.Popen(command, env=self._env, cwd=PROJECT_ROOT, stdout=log, stderr=log)  # noqa: S603 - our own CLI
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"the X-ray service exited; see {self._workdir / 'service.log'}")
            try:
                if self.spool_status()["pending"] >= 0:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("the X-ray service did not answer in time")

    def spool_status(self) -> dict[str, Any]:
        answer = httpx.get(f"{self.url}/v1/xray/spool", headers=self.headers, timeout=5.0)
        answer.raise_for_status()
        status: dict[str, Any] = answer.json()
        return status

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    def kill(self) -> None:
        """SIGKILL: no shutdown, no final drain, no flush."""
        if self._process is not None:
            self._process.send_signal(signal.SIGKILL)
            self._process.wait()

    def stop(self) -> None:
        """SIGTERM and wait: uvicorn's orderly shutdown."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=30)

    def wait_drained(self, timeout_s: float = 120.0) -> float:
        """Wait until nothing is pending; the monotonic time it was seen empty."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.spool_status()["pending"] == 0:
                return time.monotonic()
            time.sleep(0.05)
        raise RuntimeError("the spool did not drain in time")


@dataclass
class _Tally:
    acknowledged: list[str] = field(default_factory=list)
    unacknowledged: list[str] = field(default_factory=list)
    latencies_s: list[float] = field(default_factory=list)
    refused: int = 0


async def _post_all(
    url: str, headers: dict[str, str], requests: list[list[dict[str, Any]]], rate: float, concurrency: int
) -> _Tally:
    """Post ``requests`` (each a list of hits) at ``rate`` hits/s; who got an acknowledgement."""
    tally = _Tally()
    next_index = 0
    started = time.monotonic()
    per_request = len(requests[0]) if requests else 1
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal next_index
        while next_index < len(requests):
            index = next_index
            next_index += 1
            due = started + index * per_request / rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            batch = requests[index]
            body: Any = batch[0] if len(batch) == 1 else {"hits": batch}
            sent = time.monotonic()
            try:
                answer = await client.post("/v1/xray/hits", json=body, headers=headers)
            except httpx.HTTPError:
                tally.unacknowledged += [h["scan_id"] for h in batch]
                continue
            if answer.status_code in (200, 202):
                tally.latencies_s.append(time.monotonic() - sent)
                tally.acknowledged += [h["scan_id"] for h in batch]
            else:
                tally.refused += len(batch)
                tally.unacknowledged += [h["scan_id"] for h in batch]

    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30.0) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return tally


def _batches(hits: list[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    return [hits[i : i + size] for i in range(0, len(hits), size)]


def _graph_scan_ids(driver: Driver, settings: Settings, prefix: str) -> list[str]:
    records = driver.execute_query(
        "MATCH (h:XRayHit) WHERE h.scan_id STARTS WITH $prefix RETURN h.scan_id AS scan_id",
        prefix=prefix,
        database_=settings.neo4j_database,
    ).records
    return [str(r["scan_id"]) for r in records]


@dataclass(frozen=True)
class LoadResult:
    """What the load run measured."""

    hits: int
    acknowledged: int
    refused: int
    seconds: float
    hits_per_s: float
    p50_ms: float
    p99_ms: float
    drain_hits_per_s: float
    in_graph: int


@contextmanager
def _service(settings: Settings) -> Iterator[Service]:
    with tempfile.TemporaryDirectory(prefix="bigfinder-xray-bench-") as folder:
        service = Service(settings, Path(folder))
        service.start()
        try:
            yield service
        finally:
            service.stop()


def run_load(
    settings: Settings, hits: int, rate: float, batch: int, concurrency: int, seed: int = 7
) -> LoadResult:
    """Post ``hits`` at ``rate`` hits/s (``batch`` per request) and wait for the drain."""
    driver = open_driver(settings)
    prefix = f"BL{seed:02d}{int(time.time()) % 10**6:06d}X"
    try:
        payload = make_hits(hits, _known_objects(driver, settings), seed, prefix)
        with _service(settings) as service:
            started = time.monotonic()
            tally = asyncio.run(
                _post_all(service.url, service.headers, _batches(payload, batch), rate, concurrency)
            )
            posted = time.monotonic()
            drained = service.wait_drained()
        in_graph = set(_graph_scan_ids(driver, settings, prefix))
    finally:
        driver.close()
    latencies = np.asarray(tally.latencies_s) * 1000.0
    seconds = posted - started
    return LoadResult(
        hits=hits,
        acknowledged=len(tally.acknowledged),
        refused=tally.refused,
        seconds=seconds,
        hits_per_s=len(tally.acknowledged) / seconds,
        p50_ms=float(np.percentile(latencies, 50)) if len(latencies) else float("nan"),
        p99_ms=float(np.percentile(latencies, 99)) if len(latencies) else float("nan"),
        drain_hits_per_s=len(in_graph & set(tally.acknowledged)) / (drained - started),
        in_graph=len(in_graph & set(tally.acknowledged)),
    )


@dataclass(frozen=True)
class FaultResult:
    """What the crash test found: every acknowledged hit must be in the graph exactly once."""

    sent: int
    acknowledged: int
    lost_in_crash: int
    in_graph: int
    missing: int
    duplicated: int
    unknown_in_graph: int

    @property
    def ok(self) -> bool:
        return self.missing == 0 and self.duplicated == 0 and self.unknown_in_graph == 0


def run_fault(
    settings: Settings, hits: int, kill_after: int, rate: float = 400.0, batch: int = 1, seed: int = 11
) -> FaultResult:
    """Post, SIGKILL the service after ``kill_after`` hits are sent, restart, retry, post the rest."""
    driver = open_driver(settings)
    prefix = f"BF{seed:02d}{int(time.time()) % 10**6:06d}X"
    try:
        payload = make_hits(hits, _known_objects(driver, settings), seed, prefix)
        with tempfile.TemporaryDirectory(prefix="bigfinder-xray-fault-") as folder:
            service = Service(settings, Path(folder))
            service.start()
            first = _batches(payload, batch)
            cut = max(1, kill_after // batch)

            async def stream_and_kill() -> _Tally:
                task = asyncio.create_task(_post_all(service.url, service.headers, first, rate, 16))
                await asyncio.sleep(cut * batch / rate)
                service.kill()
                return await task

            crashed = asyncio.run(stream_and_kill())
            service.start()
            by_id = {h["scan_id"]: h for h in payload}
            retry = [by_id[s] for s in crashed.unacknowledged]
            after = asyncio.run(_post_all(service.url, service.headers, _batches(retry, batch), rate, 16))
            service.wait_drained()
            service.stop()
        acknowledged = set(crashed.acknowledged) | set(after.acknowledged)
        records = driver.execute_query(
            "MATCH (h:XRayHit) WHERE h.scan_id STARTS WITH $prefix "
            "RETURN h.scan_id AS scan_id, count(*) AS copies",
            prefix=prefix,
            database_=settings.neo4j_database,
        ).records
    finally:
        driver.close()
    copies = {str(r["scan_id"]): int(r["copies"]) for r in records}
    return FaultResult(
        sent=hits,
        acknowledged=len(acknowledged),
        lost_in_crash=len(crashed.unacknowledged),
        in_graph=len(copies),
        missing=len(acknowledged - set(copies)),
        duplicated=sum(1 for n in copies.values() if n > 1),
        unknown_in_graph=len(set(copies) - set(by_id)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="sustained rate, acknowledgement latency, drain rate")
    load.add_argument("--hits", type=int, default=30_000)
    load.add_argument("--rate", type=float, default=600.0, help="target hits per second")
    load.add_argument("--batch", type=int, default=1, help="hits per request")
    load.add_argument("--concurrency", type=int, default=32, help="connections")
    fault = sub.add_parser("fault", help="SIGKILL mid-stream, restart, count")
    fault.add_argument("--hits", type=int, default=4_000)
    fault.add_argument("--kill-after", type=int, default=1_500)
    fault.add_argument("--rate", type=float, default=400.0)
    args = parser.parse_args()
    settings = Settings()
    if args.command == "load":
        result = run_load(settings, args.hits, args.rate, args.batch, args.concurrency)
        print(
            f"load: {result.acknowledged:,}/{result.hits:,} hits acknowledged ({result.refused} refused) "
            f"in {result.seconds:.1f} s = {result.hits_per_s:,.0f} hits/s, batch {args.batch}, "
            f"{args.concurrency} connections\n"
            f"acknowledgement latency p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms\n"
            f"drain into Neo4j: {result.in_graph:,} acknowledged hits in the graph, "
            f"{result.drain_hits_per_s:,.0f} hits/s from first post to empty spool"
        )
    else:
        outcome = run_fault(settings, args.hits, args.kill_after, args.rate)
        print(
            f"fault: {outcome.sent:,} sent, {outcome.lost_in_crash} unacknowledged at the SIGKILL "
            f"(re-posted), {outcome.acknowledged:,} acknowledged in all, {outcome.in_graph:,} in the graph; "
            f"missing {outcome.missing}, duplicated {outcome.duplicated}, "
            f"never sent {outcome.unknown_in_graph} "
            f"-> {'PASS' if outcome.ok else 'FAIL'}"
        )
        if not outcome.ok:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
