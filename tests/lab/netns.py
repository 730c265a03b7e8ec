"""Simulated hosts for real keepalived: one network namespace per host, bridged by a switch.

Why this module exists: kalog's tests may only trust logs that real keepalived wrote, so the
lab runs the installed keepalived for real, but it must never touch the machine's own network.
Every interface, address and packet therefore lives in network namespaces whose names start
with ``PREFIX``; they are created here and removed here, and a later run removes the leftovers
of a crashed one (killing only processes that live inside those namespaces, by PID).

Two things are *not* isolated by a network namespace: ``/dev/log`` and ``/tmp``. Each host
therefore runs in its own mount + UTS namespace too, where

* ``/dev`` is a tiny per-host directory (bind mounts of null/zero/random/... plus a ``log``
  socket served by a private rsyslogd whose input for that socket has ``HostName=<host>``):
  keepalived logs through plain syslog(3) and the lines land in ``<host>.log`` in rsyslog's
  high-precision ``RSYSLOG_FileFormat`` (RFC 3339, microseconds, host name field);
* ``/tmp`` is a per-host directory, because SIGUSR1 makes keepalived 2.2.7 write
  ``/tmp/keepalived.data``;
* the UTS host name is the host's name (keepalived's default router_id).

The driver records its own actions with wall-clock times in the same clock and timezone as
rsyslog's timestamps, so a test can relate "SIGTERM node-a" to the lines that follow.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

PREFIX = "kalab-"
RUN_ROOT = Path("/run/kalab")
LOCK_PATH = Path("/run/kalab.lock")
SUBNET = "10.1.0"
VIP = f"{SUBNET}.100"
PREFIX_LEN = 24
DEV_NODES = ("null", "zero", "random", "urandom", "full", "tty")
SBIN_DIRS = ("/usr/sbin", "/sbin", "/usr/local/sbin")
LOG_FORMAT = (
    "rsyslog RSYSLOG_FileFormat: '<RFC 3339 time, microseconds> <host> <tag>[<pid>]: <message>'"
    " received by a private rsyslogd (imuxsock, one socket per host, HostName=<host>)"
)

_TS_RE = re.compile(r"^(\S+) ")


class LabError(RuntimeError):
    """A lab step failed (command error, or keepalived did not log what the scenario needs)."""


def _which(name: str) -> str | None:
    """Find a tool also in the sbin directories, which a non-login PATH often lacks."""
    found = shutil.which(name)
    if found:
        return found
    for directory in SBIN_DIRS:
        candidate = Path(directory) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


TOOLS = ("keepalived", "ip", "unshare", "rsyslogd", "mount")


def missing_requirements() -> str | None:
    """Return why the lab cannot run here, or None when it can (root + all tools)."""
    if os.geteuid() != 0:
        return "the keepalived lab needs root (network and mount namespaces)"
    missing = [tool for tool in TOOLS if _which(tool) is None]
    if missing:
        return (
            "the keepalived lab needs "
            + ", ".join(missing)
            + " (apt-get install keepalived rsyslog)"
        )
    return None


def _tool(name: str) -> str:
    path = _which(name)
    if path is None:
        raise LabError(f"{name} not found")
    return path


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a command, raising LabError with its stderr when it fails and check is set."""
    proc = subprocess.run(list(args), capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        raise LabError(f"{shlex.join(args)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return proc


def keepalived_version() -> str:
    """The first line of `keepalived --version`, e.g. 'Keepalived v2.2.7 (01/16,2022)'."""
    proc = run(_tool("keepalived"), "--version", check=False)
    text = (proc.stderr or proc.stdout).strip()
    return text.splitlines()[0] if text else ""


def debian_package_version(package: str = "keepalived") -> str | None:
    """The installed Debian package version, when dpkg knows the package."""
    if _which("dpkg-query") is None:
        return None
    proc = run("dpkg-query", "-W", "-f=${Version}", package, check=False)
    return proc.stdout.strip() or None


def lab_namespaces() -> list[str]:
    """Names of existing network namespaces that belong to the lab (by prefix)."""
    proc = run(_tool("ip"), "netns", "list", check=False)
    names = [line.split()[0] for line in proc.stdout.splitlines() if line.strip()]
    return sorted(name for name in names if name.startswith(PREFIX))


def namespace_pids(netns: str) -> list[int]:
    """PIDs of the processes living in one of the lab's network namespaces."""
    proc = run(_tool("ip"), "netns", "pids", netns, check=False)
    return [int(tok) for tok in proc.stdout.split() if tok.isdigit()]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still answers kill(0); treat it as gone (its parent will reap it).
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def kill_pids(pids: list[int], grace: float = 3.0) -> None:
    """SIGTERM these PIDs, then SIGKILL whatever is still alive after `grace` seconds."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(_pid_alive(pid) for pid in pids):
        time.sleep(0.05)
    for pid in pids:
        if _pid_alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def cleanup_leftovers() -> list[str]:
    """Remove every lab namespace (killing the processes inside it, by PID) and the run dir.

    Only namespaces named with PREFIX are touched: they and their processes can only have
    been created by this lab. Returns the names removed.
    """
    removed = lab_namespaces()
    for netns in removed:
        kill_pids(namespace_pids(netns))
    for netns in removed:
        run(_tool("ip"), "netns", "delete", netns, check=False)
    shutil.rmtree(RUN_ROOT, ignore_errors=True)
    return removed


def acquire_lock(timeout: float = 900.0) -> IO[str]:
    """Serialise labs: leftover cleanup must never hit a lab that is still running.

    The lock is released when the returned handle is closed (or the process dies).
    """
    LOCK_PATH.parent.mkdir(parents=True, exist_ok=True)
    handle = LOCK_PATH.open("a")
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            if time.monotonic() > deadline:
                handle.close()
                raise LabError(f"another lab holds {LOCK_PATH}") from None
            time.sleep(0.2)


def stamp(epoch: float) -> str:
    """Wall-clock time in rsyslog's RFC 3339 form (local timezone, microseconds)."""
    return datetime.fromtimestamp(epoch).astimezone().isoformat(timespec="microseconds")


def log_time(line: str) -> float | None:
    """Epoch seconds of an RSYSLOG_FileFormat line, None if it has no such timestamp."""
    match = _TS_RE.match(line)
    if not match:
        return None
    try:
        return datetime.fromisoformat(match.group(1)).timestamp()
    except ValueError:
        return None


@dataclass
class Host:
    """One simulated router: its namespace, address, runtime files and keepalived process."""

    name: str
    index: int
    netns: str
    root: Path
    configs: list[str] = field(default_factory=list)
    proc: subprocess.Popen[bytes] | None = None
    console: IO[bytes] | None = None
    dumps: list[str] = field(default_factory=list)
    pids_seen: set[int] = field(default_factory=set)

    @property
    def address(self) -> str:
        return f"{SUBNET}.{self.index}"

    @property
    def port(self) -> str:
        """The host's veth end inside the switch namespace."""
        return f"p-{self.name}"

    @property
    def conf_path(self) -> Path:
        return self.root / "keepalived.conf"

    @property
    def dev(self) -> Path:
        return self.root / "dev"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


_ACTIVE: list[Lab] = []


def _atexit_teardown() -> None:
    for lab in list(_ACTIVE):
        lab.teardown()


atexit.register(_atexit_teardown)


class Lab:
    """A scenario's hosts, switch and private syslog; use as a context manager.

    Entering builds everything (after removing leftovers of earlier runs); leaving always
    stops keepalived, stops rsyslogd, writes the capture into `out_dir` and removes every
    namespace, process and runtime file it created, also when the scenario failed.
    """

    def __init__(
        self,
        scenario: str,
        hosts: list[str],
        out_dir: Path,
        meta: dict[str, Any] | None = None,
    ) -> None:
        for name in hosts:
            if not re.fullmatch(r"[a-z][a-z0-9-]{0,12}", name):
                raise LabError(f"bad host name {name!r} (short lowercase, it names a veth)")
        self.scenario = scenario
        self.out_dir = Path(out_dir)
        self.meta = dict(meta or {})
        #: options added to every host's keepalived command line (`-d`: dump the config)
        self.extra_args: list[str] = []
        self.root = RUN_ROOT / scenario
        self.scripts_dir = self.root / "scripts"
        self.log_dir = self.root / "logs"
        self.switch = f"{PREFIX}{scenario}-sw"
        self.log_ns = f"{PREFIX}{scenario}-log"
        self.hosts = {
            name: Host(name, i, f"{PREFIX}{scenario}-{name}", self.root / name)
            for i, name in enumerate(hosts, start=1)
        }
        self.actions: list[dict[str, Any]] = []
        self.scripts: dict[str, str] = {}
        self.rsyslogd: subprocess.Popen[bytes] | None = None
        self._lock: IO[str] | None = None
        self._torn_down = False
        self.failure: str | None = None

    # ----------------------------------------------------------------- lifecycle
    def __enter__(self) -> Lab:
        reason = missing_requirements()
        if reason:
            raise LabError(reason)
        self._lock = acquire_lock()
        _ACTIVE.append(self)
        try:
            cleanup_leftovers()
            self._build()
        except BaseException:
            self.teardown()
            raise
        return self

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        if exc is not None:
            self.failure = f"{type(exc).__name__}: {exc}"
        self.teardown()

    def _build(self) -> None:
        ip = _tool("ip")
        for path in (self.root, self.scripts_dir, self.log_dir):
            path.mkdir(parents=True, exist_ok=True)
            path.chmod(0o755)
        run(ip, "netns", "add", self.switch)
        run(ip, "-n", self.switch, "link", "set", "lo", "up")
        run(ip, "-n", self.switch, "link", "add", "br0", "type", "bridge")
        run(ip, "-n", self.switch, "link", "set", "br0", "up")
        run(ip, "netns", "add", self.log_ns)
        for host in self.hosts.values():
            self._build_host(ip, host)
        self._start_rsyslogd()

    def _build_host(self, ip: str, host: Host) -> None:
        for path in (host.root, host.dev, host.tmp):
            path.mkdir(parents=True, exist_ok=True)
            path.chmod(0o755)
        for node in DEV_NODES:
            (host.dev / node).touch()
        for name, target in (
            ("fd", "/proc/self/fd"),
            ("stdin", "/proc/self/fd/0"),
            ("stdout", "/proc/self/fd/1"),
            ("stderr", "/proc/self/fd/2"),
        ):
            (host.dev / name).symlink_to(target)
        (host.dev / "shm").mkdir()
        run(ip, "netns", "add", host.netns)
        run(ip, "-n", host.netns, "link", "set", "lo", "up")
        run(
            ip,
            *f"-n {host.netns} link add eth0 type veth peer name {host.port}".split(),
            "netns",
            self.switch,
        )
        run(ip, "-n", host.netns, "addr", "add", f"{host.address}/{PREFIX_LEN}", "dev", "eth0")
        run(ip, "-n", host.netns, "link", "set", "eth0", "up")
        run(ip, "-n", self.switch, "link", "set", host.port, "master", "br0")
        run(ip, "-n", self.switch, "link", "set", host.port, "up")

    def _start_rsyslogd(self) -> None:
        conf = [
            "# private rsyslogd of the kalog lab: one socket (= a host's /dev/log) per host",
            f'global(workDirectory="{self.log_dir}")',
            'module(load="imuxsock" SysSock.Use="off")',
        ]
        for host in self.hosts.values():
            conf.append(
                f'input(type="imuxsock" Socket="{host.dev}/log" HostName="{host.name}" '
                f'Ruleset="{host.name}" RateLimit.Interval="0")'
            )
            conf.append(
                f'ruleset(name="{host.name}") {{ action(type="omfile" '
                f'file="{self.log_dir}/{host.name}.log" template="RSYSLOG_FileFormat") }}'
            )
        conf_path = self.log_dir / "rsyslog.conf"
        conf_path.write_text("\n".join(conf) + "\n")
        errors = (self.log_dir / "rsyslogd.out").open("wb")
        argv = [_tool("ip"), "netns", "exec", self.log_ns, _tool("rsyslogd"), "-n"]
        argv += ["-f", str(conf_path), "-i", str(self.log_dir / "rsyslogd.pid")]
        self.rsyslogd = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=errors, stderr=subprocess.STDOUT
        )
        errors.close()
        deadline = time.monotonic() + 10
        while not all((h.dev / "log").is_socket() for h in self.hosts.values()):
            if self.rsyslogd.poll() is not None or time.monotonic() > deadline:
                out = (self.log_dir / "rsyslogd.out").read_text(errors="replace")
                raise LabError(f"private rsyslogd did not create its sockets: {out}")
            time.sleep(0.05)

    def teardown(self) -> None:
        """Stop everything, write the capture, remove namespaces/files; safe to call twice."""
        if self._torn_down:
            return
        self._torn_down = True
        try:
            try:
                self._stop_all()
            finally:
                self._stop_rsyslogd()
                with contextlib.suppress(Exception):
                    self._write_capture()
        finally:
            self._remove_all()
            if self in _ACTIVE:
                _ACTIVE.remove(self)
            if self._lock is not None:
                self._lock.close()
                self._lock = None

    def _stop_all(self) -> None:
        running = [h for h in self.hosts.values() if h.running()]
        for host in running:
            self._act("stop", host.name, "SIGTERM (end of scenario)")
            self._signal(host, signal.SIGTERM)
        for host in running:
            self._wait_exit(host)

    def _stop_rsyslogd(self) -> None:
        if self.rsyslogd is None:
            return
        # Let the last lines of the stopping daemons reach the socket before stopping it.
        time.sleep(0.3)
        self.rsyslogd.terminate()
        try:
            self.rsyslogd.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.rsyslogd.kill()
            self.rsyslogd.wait(timeout=5)

    def _remove_all(self) -> None:
        for host in self.hosts.values():
            if host.proc is not None and host.proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    host.proc.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    host.proc.wait(timeout=5)
            if host.console is not None:
                host.console.close()
                host.console = None
        names = [self.switch, self.log_ns, *(h.netns for h in self.hosts.values())]
        for netns in names:
            if netns in lab_namespaces():
                kill_pids(namespace_pids(netns))
                run(_tool("ip"), "netns", "delete", netns, check=False)
        shutil.rmtree(self.root, ignore_errors=True)
        with contextlib.suppress(OSError):
            RUN_ROOT.rmdir()  # only when empty

    # ----------------------------------------------------------------- recording
    def _act(self, action: str, host: str | None, detail: str = "") -> float:
        now = time.time()
        self.actions.append(
            {
                "time": stamp(now),
                "epoch": round(now, 6),
                "host": host,
                "action": action,
                "detail": detail,
            }
        )
        return now

    def note(self, text: str) -> None:
        """Record a remark in the action list (e.g. what the next wait expects)."""
        self._act("note", None, text)

    def _write_capture(self) -> None:
        out = self.out_dir
        out.mkdir(parents=True, exist_ok=True)
        for host in self.hosts.values():
            src = self.log_dir / f"{host.name}.log"
            if src.exists():
                shutil.copyfile(src, out / f"{host.name}.log")
            console = host.root / "console"
            if console.exists():
                shutil.copyfile(console, out / f"{host.name}.console")
            for i, text in enumerate(host.configs):
                name = f"{host.name}.conf" if i == 0 else f"{host.name}.conf.{i + 1}"
                (out / name).write_text(text)
        if self.scripts:
            (out / "scripts").mkdir(exist_ok=True)
            for name, text in self.scripts.items():
                (out / "scripts" / name).write_text(text)
        doc = {
            "scenario": self.scenario,
            **self.meta,
            "keepalived_version": keepalived_version(),
            "debian_package": debian_package_version(),
            "keepalived_command": self._keepalived_argv(next(iter(self.hosts.values()))),
            "log_format": LOG_FORMAT,
            "console_format": "keepalived -l stdout/stderr: '<C-locale %c>: <message>'",
            "timezone": datetime.now().astimezone().strftime("%Z %z"),
            "vip": f"{VIP}/{PREFIX_LEN}",
            "run_dir": str(self.root),
            "hosts": {
                h.name: {
                    "netns": h.netns,
                    "interface": "eth0",
                    "address": f"{h.address}/{PREFIX_LEN}",
                    "switch_port": h.port,
                    "log": f"{h.name}.log",
                    "console": f"{h.name}.console",
                    "configs": [
                        f"{h.name}.conf" if i == 0 else f"{h.name}.conf.{i + 1}"
                        for i in range(len(h.configs))
                    ],
                    "runtime_config": str(h.conf_path),
                    "dumps": h.dumps,
                    "pids": sorted(h.pids_seen),
                }
                for h in self.hosts.values()
            },
            "scripts": sorted(self.scripts),
            "actions": self.actions,
            "failure": self.failure,
        }
        (out / "scenario.json").write_text(json.dumps(doc, indent=2) + "\n")

    # ----------------------------------------------------------------- host control
    def host(self, name: str) -> Host:
        return self.hosts[name]

    def write_script(self, name: str, text: str) -> Path:
        """Install a track script (root-owned, 0755: passes enable_script_security)."""
        path = self.scripts_dir / name
        path.write_text(text)
        path.chmod(0o755)
        self.scripts[name] = text
        return path

    def script_path(self, name: str) -> Path:
        return self.scripts_dir / name

    def flag_path(self, host: str, name: str) -> Path:
        """A per-host flag file that scripts can test (outside the host's private /tmp)."""
        return self.hosts[host].root / name

    def set_flag(self, host: str, name: str, present: bool, detail: str = "") -> None:
        path = self.flag_path(host, name)
        self._act("create flag" if present else "remove flag", host, detail or str(path))
        if present:
            path.touch()
        else:
            path.unlink(missing_ok=True)

    def set_config(self, host: str, text: str, detail: str = "") -> None:
        """Write the host's keepalived.conf (kept as a new version when it changes later)."""
        h = self.hosts[host]
        if h.configs:
            self._act("edit config", host, detail or "keepalived.conf rewritten")
        h.configs.append(text)
        h.conf_path.write_text(text)

    def _keepalived_argv(self, h: Host) -> list[str]:
        """keepalived in the foreground, console + syslog, detail lines, private PID files."""
        pids = {"-p": "keepalived.pid", "-r": "vrrp.pid", "-c": "checkers.pid", "-b": "bfd.pid"}
        argv = [_tool("keepalived"), "-n", "-l", "-D", *self.extra_args, "-f", str(h.conf_path)]
        for option, name in pids.items():
            argv += [option, str(h.root / name)]
        return argv

    def start(self, host: str, detail: str = "") -> None:
        """Start keepalived on a host (its own mount/UTS namespace, see module docstring)."""
        h = self.hosts[host]
        if h.running():
            raise LabError(f"{host}: keepalived already running")
        if not h.configs:
            raise LabError(f"{host}: no configuration written")
        binds = [f"mount --bind /dev/{node} {h.dev}/{node}" for node in DEV_NODES]
        setup = " && ".join(
            [
                f"echo {h.name} > /proc/sys/kernel/hostname",
                *binds,
                f"mount --bind {h.dev} /dev",
                f"mount --bind {h.tmp} /tmp",
                "exec " + shlex.join(self._keepalived_argv(h)),
            ]
        )
        if h.console is None:
            h.console = (h.root / "console").open("ab")
        self._act("start", host, detail or "keepalived -n -l -D")
        argv = [_tool("ip"), "netns", "exec", h.netns, _tool("unshare"), "--mount", "--uts"]
        argv += ["--propagation", "private", "sh", "-c", setup]
        h.proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=h.console, stderr=subprocess.STDOUT
        )
        h.pids_seen.add(h.proc.pid)

    def _signal(self, h: Host, sig: signal.Signals) -> None:
        if h.proc is None or h.proc.poll() is not None:
            raise LabError(f"{h.name}: keepalived is not running")
        os.kill(h.proc.pid, sig)

    def _wait_exit(self, h: Host, timeout: float = 10.0) -> None:
        assert h.proc is not None
        try:
            h.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_pids(namespace_pids(h.netns), grace=1.0)
            h.proc.wait(timeout=5)

    def stop(self, host: str, detail: str = "SIGTERM") -> None:
        """Gracefully stop keepalived (SIGTERM) and wait until the parent has exited."""
        h = self.hosts[host]
        self._act("stop", host, detail)
        self._signal(h, signal.SIGTERM)
        self._wait_exit(h)

    def reload(self, host: str, detail: str = "SIGHUP") -> None:
        self._act("reload", host, detail)
        self._signal(self.hosts[host], signal.SIGHUP)

    def dump(self, host: str, timeout: float = 5.0) -> str:
        """SIGUSR1: keepalived writes /tmp/keepalived.data (the host's private /tmp)."""
        h = self.hosts[host]
        data = h.tmp / "keepalived.data"
        data.unlink(missing_ok=True)
        (h.tmp / "keepalived_parent.data").unlink(missing_ok=True)
        name = f"{host}.data.{len(h.dumps) + 1}"
        self._act("dump", host, f"SIGUSR1 -> {name}")
        self._signal(h, signal.SIGUSR1)
        deadline = time.monotonic() + timeout
        last = -1
        while time.monotonic() < deadline:
            size = data.stat().st_size if data.exists() else -1
            if size > 0 and size == last:
                break
            last = size
            time.sleep(0.15)
        else:
            raise LabError(f"{host}: no /tmp/keepalived.data after SIGUSR1")
        self.out_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(data, self.out_dir / name)
        h.dumps.append(name)
        return name

    # ----------------------------------------------------------------- network control
    def cut_link(self, host: str) -> None:
        """Detach the host's port from the switch's bridge: nothing passes, but both veth
        ends keep their carrier, so keepalived sees no interface change (no FAULT) -- a
        pure network partition. (Setting the port down would drop the host's carrier.)"""
        port = self.hosts[host].port
        self._act("cut link", host, f"ip -n {self.switch} link set {port} nomaster")
        run(_tool("ip"), "-n", self.switch, "link", "set", port, "nomaster")

    def restore_link(self, host: str) -> None:
        port = self.hosts[host].port
        self._act("restore link", host, f"ip -n {self.switch} link set {port} master br0")
        run(_tool("ip"), "-n", self.switch, "link", "set", port, "master", "br0")

    def iface_down(self, host: str) -> None:
        """Take the host's own eth0 down inside its namespace (keepalived sees it: FAULT)."""
        h = self.hosts[host]
        self._act("interface down", host, f"ip -n {h.netns} link set eth0 down")
        run(_tool("ip"), "-n", h.netns, "link", "set", "eth0", "down")

    def iface_up(self, host: str) -> None:
        h = self.hosts[host]
        self._act("interface up", host, f"ip -n {h.netns} link set eth0 up")
        run(_tool("ip"), "-n", h.netns, "link", "set", "eth0", "up")

    # ----------------------------------------------------------------- observing
    def lines(self, host: str) -> list[str]:
        path = self.log_dir / f"{host}.log"
        if not path.exists():
            return []
        return path.read_text(errors="replace").splitlines()

    def wait_for(
        self, host: str, pattern: str, timeout: float = 15.0, after: float | None = None
    ) -> float:
        """Wait until the host logs a line matching `pattern` (regex) at or after `after`.

        `after` defaults to the time of the last recorded action. Returns the line's time.
        Raises LabError on timeout, so a scenario never silently records the wrong story.
        """
        since = self.actions[-1]["epoch"] if after is None and self.actions else (after or 0.0)
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            for line in self.lines(host):
                when = log_time(line)
                if when is not None and when >= since - 0.001 and regex.search(line):
                    return when
            if time.monotonic() > deadline:
                raise LabError(f"{host}: no line matching {pattern!r} within {timeout:g}s")
            time.sleep(0.1)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)
