"""One machine's Dateline: N ``dateline serve`` replicas on loopback behind nginx, which proxies
the API to them and serves the built site itself.

    .venv/bin/python deploy/stack.py up [--replicas N] [--port 8080] [--events events] [--reload]
    .venv/bin/python deploy/stack.py down

``up`` starts the replicas one after the other (ports 8101, 8102, ...: the first compiles the
Store, or finds it cached, and the others reuse it), writes ``RUN/nginx.conf`` from
``deploy/nginx.conf`` and starts nginx; then it stays in the foreground, restarting a replica
that exits, until SIGTERM or SIGINT (``down`` sends the SIGTERM), when it stops nginx and the
replicas. The first replica also keeps the site in ``RUN/site``, which nginx serves: it builds
it when what it is made from changed, as ``dateline serve --site`` does. With ``--reload``
every replica watches the events and serves each good change, and the first updates the
site in ``RUN/site``: swapped in whole after a full build, file by file (each a rename) after
an incremental one.
``RUN`` is ``deploy/run`` (``--run``); nginx's logs are there too (``access.log`` names the
replica that answered each request). Nothing started outlives the stack, even a SIGKILLed one.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final

from dateline import lifetime, policy

HERE: Final = Path(__file__).resolve().parent
REPO: Final = HERE.parent
TEMPLATE: Final = HERE / "nginx.conf"
DATELINE: Final = str(Path(sys.executable).parent / "dateline")
NGINX: Final = shutil.which("nginx") or "/usr/sbin/nginx"
MIME_TYPES: Final = Path("/etc/nginx/mime.types")  # Debian's
FIRST_PORT: Final = 8101
STOP_SECONDS: Final = 10.0  # how long a replica or nginx may take to stop before SIGKILL
READY_SECONDS: Final = 900.0  # the first replica compiles the Store and builds the site
RESTART_SECONDS: Final = 1.0  # at most one restart of a replica a second


def get(url: str, timeout: float = 2.0) -> int:
    """The status of a GET of ``url``; 0 if nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


class Replica:
    """One ``dateline serve --no-site`` on a loopback port."""

    def __init__(
        self, events: Path, port: int, *, public: str, reload: bool, site: Path | None = None
    ) -> None:
        self.events, self.port, self.public, self.reload, self.site = (
            events,
            port,
            public,
            reload,
            site,
        )
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.started = 0.0  # time.monotonic() of the last start
        self.log = open(os.devnull, "wb")  # noqa: SIM115  # replaced by start()

    def command(self) -> list[str]:
        site = ["--site", str(self.site), "--config", str(REPO / "mkdocs.yml")]
        return [
            DATELINE,
            "serve",
            "--events",
            str(self.events),
            "--port",
            str(self.port),
            "--base-url",
            self.public,
            *(site if self.site is not None else ["--no-site"]),
            *(["--reload"] if self.reload else []),
        ]

    def start(self, log: Path) -> None:
        self.log.close()
        self.log = open(log, "ab")  # noqa: SIM115  # closed by stop()
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            self.command(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=lifetime.environment(),  # it ends with this process, however this one ends
        )

    def wait_ready(self, timeout: float = READY_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while get(self.url + "/api/v1/health") != 200:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"the replica on port {self.port} exited; see its log")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the replica on port {self.port} did not answer in time")
            time.sleep(0.1)

    def exited(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def stop(self) -> None:
        if self.process is not None:
            _end(self.process)
        self.log.close()


def _end(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Ask ``process`` to stop with ``sig``; SIGKILL it if it has not after `STOP_SECONDS`."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def nginx_conf(run: Path, listen: str, ports: Sequence[int], site: Path) -> str:
    """``deploy/nginx.conf`` filled in for these replicas, this site and this run folder."""
    servers = "\n".join(
        f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;" for port in ports
    )
    # Run as root (a container, CI), nginx's workers would be "nobody", who may not read a
    # site under a private folder; they run as the user who started the stack instead.
    user = f"user {_user_name()};" if os.geteuid() == 0 else "# (not root: no user directive)"
    maps, adds = own_headers()
    values = {
        "@USER@": user,
        "@RUN@": str(run),
        "@MIME_TYPES@": str(MIME_TYPES),
        "@SERVERS@": servers,
        "@LISTEN@": listen,
        "@SITE@": str(site),
        "@OWN_HEADERS_MAPS@": maps,
        "@OWN_HEADERS@": adds,
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(name, value)
    return text


def _user_name() -> str:
    import pwd

    return pwd.getpwuid(os.geteuid()).pw_name


def own_headers() -> tuple[str, str]:
    """nginx's ``map`` and ``add_header`` lines giving the responses nginx makes itself the
    API's headers: each only where the response has none from a replica."""
    maps, adds = [], []
    for name, value in [*policy.COMMON, (policy.CSP, policy.API)]:
        variable = "$dateline_" + name.lower().replace("-", "_")
        upstream = "$upstream_http_" + name.lower().replace("-", "_")
        maps.append(f'    map {upstream} {variable} {{ "" "{value}"; default ""; }}')
        adds.append(f"        add_header {name} {variable} always;")
    return "\n".join(maps), "\n".join(adds)


def site_headers(site: Path) -> str:
    """nginx's ``add_header`` lines for the headers of the site's ``_headers`` file."""
    headers = policy.read_headers(site) or {name.lower(): value for name, value in policy.COMMON}
    return "".join(f'add_header {name} "{value}" always;\n' for name, value in headers.items())


class Stack:
    """Replicas of one or more events folders (one each, or one for all) behind nginx."""

    def __init__(
        self,
        events: Sequence[Path],
        *,
        run: Path,
        port: int = 8080,
        reload: bool = False,
        ports: Sequence[int] | None = None,
    ) -> None:
        self.run = run.resolve()
        self.site = self.run / "site"
        self.url = f"http://127.0.0.1:{port}"
        self.port = port
        ports = ports or [FIRST_PORT + number for number in range(len(events))]
        self.replicas = [
            Replica(
                folder.resolve(),
                ports[number],
                public=self.url,
                reload=reload,
                site=self.site if number == 0 else None,
            )
            for number, folder in enumerate(events)
        ]
        self.reload = reload
        self.nginx: subprocess.Popen[bytes] | None = None
        self.stopping = threading.Event()

    def log_of(self, replica: Replica) -> Path:
        return self.run / f"replica-{replica.port}.log"

    def start(self) -> None:
        for folder in ("temp",):
            (self.run / folder).mkdir(parents=True, exist_ok=True)
        for replica in self.replicas:
            replica.start(self.log_of(replica))
            replica.wait_ready()
        conf = self.run / "nginx.conf"
        (self.run / "site-headers.conf").write_text(site_headers(self.site), encoding="utf-8")
        listen = f"127.0.0.1:{self.port}"
        conf.write_text(nginx_conf(self.run, listen, [r.port for r in self.replicas], self.site))
        command = [NGINX, "-p", str(self.run), "-c", str(conf), "-e", str(self.run / "error.log")]
        with open(self.run / "nginx.out", "ab") as output:  # nginx keeps its own copy
            self.nginx = subprocess.Popen(
                [*command, "-g", "daemon off;"],
                stdout=output,
                stderr=subprocess.STDOUT,
                # nginx's master is no Python: the kernel's SIGTERM alone if the stack dies.
                preexec_fn=functools.partial(lifetime.ask_kernel, os.getpid()),
            )
        deadline = time.monotonic() + 10
        while get(self.url + "/api/v1/health") != 200:
            if self.nginx.poll() is not None or time.monotonic() > deadline:
                error = (self.run / "error.log").read_text(errors="replace")[-2000:]
                self.stop()
                raise RuntimeError(f"nginx did not start:\n{error}")
            time.sleep(0.05)

    def supervise(self) -> None:
        """Until :meth:`stop` is asked for: start again any replica that exited."""
        while not self.stopping.wait(0.2):
            for replica in self.replicas:
                # A replica killed a moment ago may still have workers holding its port, which
                # end within seconds (dateline.lifetime): a restart that fails is tried again.
                if replica.exited() and time.monotonic() - replica.started > RESTART_SECONDS:
                    replica.start(self.log_of(replica))
            if self.nginx is not None and self.nginx.poll() is not None:
                raise RuntimeError("nginx exited; see " + str(self.run / "error.log"))

    def stop(self) -> None:
        self.stopping.set()
        if self.nginx is not None:
            _end(self.nginx, signal.SIGQUIT)  # nginx's graceful stop: finish what it started
        for replica in self.replicas:
            replica.stop()


@contextlib.contextmanager
def running(stack: Stack) -> Iterator[Stack]:
    """``stack`` started and supervised in a thread, stopped when the block ends."""
    stack.start()
    supervisor = threading.Thread(target=stack.supervise, daemon=True)
    supervisor.start()
    try:
        yield stack
    finally:
        stack.stop()
        supervisor.join()


def up(args: argparse.Namespace) -> int:
    run = Path(args.run)
    run.mkdir(parents=True, exist_ok=True)
    pid_file = run / "stack.pid"
    stack = Stack(
        [Path(args.events)] * args.replicas,
        run=run,
        port=args.port,
        reload=args.reload,
        ports=[args.first_port + number for number in range(args.replicas)],
    )
    signal.signal(signal.SIGTERM, lambda *_: stack.stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stack.stopping.set())
    stack.start()
    pid_file.write_text(f"{os.getpid()}\n")
    ports = ", ".join(str(r.port) for r in stack.replicas)
    print(f"Dateline at {stack.url}/ (API at {stack.url}/api/v1), replicas on {ports}", flush=True)
    try:
        stack.supervise()
    finally:
        stack.stop()
        pid_file.unlink(missing_ok=True)
    return 0


def down(args: argparse.Namespace) -> int:
    pid_file = Path(args.run) / "stack.pid"
    try:
        pid = int(pid_file.read_text())
    except (FileNotFoundError, ValueError):
        print(f"no stack is running from {args.run}", file=sys.stderr)
        return 1
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 3 * STOP_SECONDS
        while time.monotonic() < deadline:
            os.kill(pid, 0)
            time.sleep(0.1)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("up", help="start the stack and stay in the foreground")
    start.add_argument("--replicas", type=int, default=2)
    start.add_argument("--port", type=int, default=8080, help="nginx's port (loopback)")
    start.add_argument("--events", default=str(REPO / "events"))
    start.add_argument("--reload", action="store_true", help="serve each change to the events")
    start.add_argument("--first-port", type=int, default=FIRST_PORT, help="the first replica's")
    stop = commands.add_parser("down", help="stop the stack started by `up`")
    for command in (start, stop):
        command.add_argument("--run", default=str(HERE / "run"), help="the stack's folder")
    args = parser.parse_args(argv)
    return up(args) if args.command == "up" else down(args)


if __name__ == "__main__":
    sys.exit(main())
