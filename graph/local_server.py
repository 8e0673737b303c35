"""The local, embedded Neo4j 5.26 that bigfinder starts on a machine without Docker.

The Java launcher in ``launcher/`` (a Maven module) is built on first use; its classpath holds Neo4j
Community, APOC core and OpenGDS from Maven Central. :class:`LocalNeo4j` starts it as a detached
process with a pid file, hands it the password on standard input (never on the command line), waits for
its readiness line and for Bolt to accept connections, and stops it with SIGTERM so Neo4j shuts down
cleanly.

Example (builds and starts a real server)::

    server = LocalNeo4j(Settings())
    started = server.start()
    started.pid, started.seconds
    server.stop()
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bigfinder.errors import LocalServerError
from bigfinder.settings import Settings

__all__ = ["FAILED_MARK", "READY_MARK", "LocalNeo4j", "ProcessInfo", "StartResult", "StopResult"]

MAIN_CLASS = "org.bigfinder.launcher.Main"
READY_MARK = "BIGFINDER_NEO4J_READY"
FAILED_MARK = "BIGFINDER_NEO4J_FAILED"

# Netty and Neo4j's page cache reach into JDK internals that Java 17 closes by default.
JVM_OPTIONS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-XX:+UseG1GC",
    "-XX:+ExitOnOutOfMemoryError",
    "-Dfile.encoding=UTF-8",
)


@dataclass(frozen=True)
class StartResult:
    """What ``start`` did: the process, how long it took, and the launcher's readiness line."""

    pid: int
    seconds: float
    ready_line: str
    already_running: bool = False


@dataclass(frozen=True)
class StopResult:
    """What ``stop`` did; ``pid`` is None when nothing was running."""

    pid: int | None
    seconds: float = 0.0
    forced: bool = False


@dataclass(frozen=True)
class ProcessInfo:
    """The running launcher process, as the operating system sees it."""

    pid: int
    resident_bytes: int
    uptime_s: float


class LocalNeo4j:
    """Builds, starts, stops and inspects the local Neo4j launcher process."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        target = settings.launcher_dir / "target"
        self.jar = target / "bigfinder-neo4j-launcher.jar"
        self.lib_dir = target / "lib"
        self.plugin_dir = target / "plugins"
        self.home = settings.neo4j_home
        self.pid_file = self.home / "neo4j.pid"
        self.log_file = self.home / "launcher.log"

    # -- build -----------------------------------------------------------------------------------------

    def is_built(self) -> bool:
        """True when the launcher jar and its classpath are in place."""
        return self.jar.is_file() and self.lib_dir.is_dir() and any(self.lib_dir.glob("neo4j-5.26*.jar"))

    def build(self) -> None:
        """Run the Maven build of the launcher (the first run downloads Neo4j, APOC and GDS)."""
        pom = self._settings.launcher_dir / "pom.xml"
        command = [self._settings.maven, "-q", "-B", "-f", str(pom), "package"]
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        except FileNotFoundError as exc:
            raise LocalServerError(
                f"Maven ({self._settings.maven}) is not installed; it builds the Neo4j launcher."
            ) from exc
        if done.returncode != 0 or not self.is_built():
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
            raise LocalServerError(f"building the Neo4j launcher failed ({' '.join(command)}):\n{tail}")

    # -- process ---------------------------------------------------------------------------------------

    def running_pid(self) -> int | None:
        """The pid of the running launcher, or None; a stale pid file is removed."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        if _alive(pid) and _is_launcher(pid):
            return pid
        self.pid_file.unlink(missing_ok=True)
        return None

    def process_info(self) -> ProcessInfo | None:
        """Resident memory and uptime of the running launcher, or None when it is not running."""
        pid = self.running_pid()
        if pid is None:
            return None
        return ProcessInfo(pid=pid, resident_bytes=_resident_bytes(pid), uptime_s=_uptime_s(pid))

    def start(self) -> StartResult:
        """Start the server unless it runs already; returns once Bolt accepts connections."""
        if self._settings.external_neo4j:
            raise LocalServerError(
                f"BIGFINDER_NEO4J_URI points at {self._settings.neo4j_uri}; no local Neo4j is started."
            )
        pid = self.running_pid()
        if pid is not None:
            return StartResult(pid=pid, seconds=0.0, ready_line=self._ready_line(), already_running=True)
        port = self._settings.neo4j_bolt_port
        if _port_open(port):
            raise LocalServerError(
                f"port {port} on 127.0.0.1 is taken by another process; "
                "stop it or set BIGFINDER_NEO4J_BOLT_PORT."
            )
        if shutil.which(self._settings.java) is None:
            raise LocalServerError(
                f"Java ({self._settings.java}) is not installed; Neo4j 5.26 needs Java 17."
            )
        if not self.is_built():
            self.build()
        self.home.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        process = self._spawn()
        self.pid_file.write_text(f"{process.pid}\n")
        try:
            ready_line = self._await_ready(process)
            self._await_bolt(port)
        except LocalServerError:
            self._terminate(process.pid)
            self.pid_file.unlink(missing_ok=True)
            raise
        return StartResult(pid=process.pid, seconds=time.perf_counter() - started, ready_line=ready_line)

    def stop(self) -> StopResult:
        """SIGTERM the launcher (Neo4j shuts down cleanly) and wait; SIGKILL only after the timeout."""
        pid = self.running_pid()
        if pid is None:
            return StopResult(pid=None)
        started = time.perf_counter()
        forced = self._terminate(pid)
        self.pid_file.unlink(missing_ok=True)
        return StopResult(pid=pid, seconds=time.perf_counter() - started, forced=forced)

    def _command(self) -> list[str]:
        s = self._settings
        classpath = f"{self.jar}{os.pathsep}{self.lib_dir / '*'}"
        return [
            s.java,
            f"-Xms{s.neo4j_heap}",
            f"-Xmx{s.neo4j_heap}",
            *JVM_OPTIONS,
            "-cp",
            classpath,
            MAIN_CLASS,
            "--home",
            str(self.home),
            "--bolt-address",
            "127.0.0.1",
            "--bolt-port",
            str(s.neo4j_bolt_port),
            "--pagecache",
            s.neo4j_pagecache,
            "--tx-memory",
            s.neo4j_tx_memory,
            "--plugins",
            str(self.plugin_dir),
        ]

    def _spawn(self) -> subprocess.Popen[bytes]:
        with self.log_file.open("wb") as log:
            # A session of its own: the server outlives the CLI call that started it.
            process = subprocess.Popen(  # noqa: S603
                self._command(),
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.home,
                start_new_session=True,
            )
        assert process.stdin is not None
        process.stdin.write(self._settings.neo4j_password.get_secret_value().encode() + b"\n")
        process.stdin.close()
        return process

    def _ready_line(self) -> str:
        try:
            lines = self.log_file.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return ""
        return next((line for line in lines if line.startswith(READY_MARK)), "")

    def _await_ready(self, process: subprocess.Popen[bytes]) -> str:
        deadline = time.monotonic() + self._settings.neo4j_start_timeout_s
        while time.monotonic() < deadline:
            text = self.log_file.read_text(encoding="utf-8", errors="replace")
            for line in text.splitlines():
                if line.startswith(READY_MARK):
                    return line
                if line.startswith(FAILED_MARK):
                    raise LocalServerError(
                        f"Neo4j did not start: {line.removeprefix(FAILED_MARK).strip()} "
                        f"(log: {self.log_file})"
                    )
            if process.poll() is not None:
                raise LocalServerError(
                    f"Neo4j exited with code {process.returncode} while starting; see {self.log_file}:\n"
                    + "\n".join(text.strip().splitlines()[-10:])
                )
            time.sleep(0.2)
        raise LocalServerError(
            f"Neo4j gave no readiness line within {self._settings.neo4j_start_timeout_s:.0f} s; "
            f"see {self.log_file}"
        )

    def _await_bolt(self, port: int) -> None:
        # The readiness line follows Bolt's start, so this normally passes at once.
        deadline = time.monotonic() + 30.0
        while time.monotonic() < deadline:
            if _port_open(port):
                return
            time.sleep(0.1)
        raise LocalServerError(f"Neo4j said it was ready but Bolt on 127.0.0.1:{port} does not answer")

    def _terminate(self, pid: int) -> bool:
        """SIGTERM, wait for the clean shutdown, SIGKILL after the timeout; True when it had to kill."""
        _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + self._settings.neo4j_stop_timeout_s
        while time.monotonic() < deadline:
            if not _alive(pid):
                return False
            time.sleep(0.1)
        _signal(pid, signal.SIGKILL)
        while _alive(pid):
            time.sleep(0.1)
        return True


def _signal(pid: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def _alive(pid: int) -> bool:
    """True while ``pid`` runs; reaps it first when it is our own exited child (a zombie is not alive)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _is_launcher(pid: int) -> bool:
    """Guards against a recycled pid: the process must be our Java launcher."""
    try:
        return MAIN_CLASS.encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return False


def _resident_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _uptime_s(pid: int) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    start_ticks = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    system_uptime = float(Path("/proc/uptime").read_text().split()[0])
    return system_uptime - start_ticks / ticks


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0
