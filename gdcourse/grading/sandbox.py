"""A throw-away sandbox for one untrusted program, from Debian packages only (bubblewrap, util-linux).

This module knows nothing about notebooks or optimizers: it runs a command line so that the program

- sees a read-only view of the system (``/usr``, ``/etc``) and of the folders it is given (the Python
  environment), a private, empty, writable ``/tmp`` and HOME (size-limited tmpfs, gone afterwards), the
  files it is handed and the one host folder it may write to — nothing else of the host: not the other
  submissions, not the grader's output, not its environment variables (``--clearenv``);
- has no network (``--unshare-net``), its own PID, IPC and UTS namespaces, and runs as the unprivileged
  user ``nobody`` (uid 65534) with no capabilities and ``no_new_privs``;
- lives in a cgroup of its own that caps memory and the number of processes (cgroup v1 or v2, detected),
  with per-process limits on CPU time and file size (``setrlimit``);
- cannot outlive its sandbox: the PID namespace dies with its first process, bubblewrap kills it when
  the grader dies (``--die-with-parent``), and :meth:`Box.kill` ends the whole cgroup.

As root (a server, a container) bubblewrap builds the sandbox without a user namespace and ``setpriv``
drops to ``nobody`` inside it; as an ordinary user it needs unprivileged user namespaces and a cgroup
delegated to that user.  :func:`problems` says what is missing and how to install it.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Limits", "View", "Sandbox", "Box", "SandboxUnavailable", "problems", "NOBODY"]

NOBODY = 65534
MiB = 1 << 20


class SandboxUnavailable(RuntimeError):
    """The machine lacks what the sandbox needs; the message says what and how to install it."""


@dataclass(frozen=True)
class Limits:
    """What one sandboxed program may use (every field is a ``gdcourse grade`` flag)."""

    memory: int = 1024 * MiB  # bytes of memory for the whole sandbox, tmpfs included (cgroup)
    processes: int = 64  # processes and threads at once (cgroup pids)
    cpu_time: int = 600  # seconds of CPU time per process (RLIMIT_CPU)
    file_size: int = 64 * MiB  # bytes per file written (RLIMIT_FSIZE)

    def __post_init__(self):
        for name, low in (("memory", 64 * MiB), ("processes", 8), ("cpu_time", 1), ("file_size", 1 * MiB)):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise ValueError(f"{name} must be an integer >= {low}; got {value!r}")


@dataclass
class View:
    """What the program sees: host folders (read-only, same path), folders hidden under an empty
    read-only tmpfs, files by content, one writable host folder, environment, working directory."""

    read_only: list = field(default_factory=list)
    hidden: list = field(default_factory=list)
    files: dict = field(default_factory=dict)  # path inside -> bytes (read-only)
    writable: dict = field(default_factory=dict)  # path inside -> host folder
    env: dict = field(default_factory=dict)
    home: str = "/home/sandbox"
    cwd: str | None = None


# --------------------------------------------------------------------------------------------- cgroups


def _v1_mounts() -> dict:
    """{controller: mount point} of the cgroup v1 hierarchies, from /proc/self/mountinfo."""
    mounts = {}
    with open("/proc/self/mountinfo", encoding="utf-8") as file:
        for line in file:
            left, _, right = line.partition(" - ")
            fields, after = left.split(), right.split()
            if len(after) >= 3 and after[0] == "cgroup" and fields[3] == "/":
                for option in after[2].split(","):
                    mounts.setdefault(option, fields[4])
    return mounts


def _v2_mount() -> str | None:
    with open("/proc/self/mountinfo", encoding="utf-8") as file:
        for line in file:
            left, _, right = line.partition(" - ")
            if right.split()[:1] == ["cgroup2"] and left.split()[3] == "/":
                return left.split()[4]
    return None


def _own_cgroups() -> dict:
    """{controller or "": path} from /proc/self/cgroup ("" is the v2 hierarchy)."""
    paths = {}
    with open("/proc/self/cgroup", encoding="utf-8") as file:
        for line in file:
            _, controllers, path = line.rstrip("\n").split(":", 2)
            for controller in controllers.split(",") if controllers else [""]:
                paths[controller] = path
    return paths


class _Cgroups:
    """Where the sandboxes' cgroups are made: under the grader's own cgroup, v2 if it delegates memory
    and pids, else v1's memory and pids hierarchies."""

    def __init__(self):
        own = _own_cgroups()
        self.version, self.parents = None, {}
        v2 = _v2_mount()
        if v2 is not None and "" in own:
            parent = Path(v2 + own[""])
            controllers = _read(parent / "cgroup.controllers").split()
            if {"memory", "pids"} <= set(controllers):
                self.version, self.parents = 2, {"": parent}
        if self.version is None:
            mounts = _v1_mounts()
            if "memory" in mounts and "pids" in mounts:
                self.version = 1
                self.parents = {c: Path(mounts[c] + own.get(c, "/")) for c in ("memory", "pids")}

    def problem(self) -> str | None:
        if self.version is None:
            return ("no cgroup with the memory and pids controllers: the grader needs cgroup v1's memory and pids "
                    "hierarchies or a cgroup v2 with both controllers delegated to it (e.g. run it with "
                    "`systemd-run --user --scope -p Delegate=yes gdcourse grade ...`, or in a container given its own cgroup)")
        probe = f"gdcourse-probe-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            made = self.create(probe, Limits())
        except OSError as error:
            where = ", ".join(str(p) for p in self.parents.values())
            return f"cannot create a cgroup under {where} ({error.strerror}): run the grader as root, or delegate that cgroup to its user"
        made.remove()
        return None

    def sweep(self, older_than: float = 60.0) -> None:
        """Remove the empty cgroups that graders killed with ``kill -9`` left behind."""
        now = time.time()
        for parent in self.parents.values():
            try:
                children = list(parent.glob("gdcourse-*"))
            except OSError:
                continue
            for folder in children:
                try:
                    if now - folder.stat().st_mtime > older_than and not _read(folder / "cgroup.procs").split():
                        folder.rmdir()
                except OSError:
                    pass

    def create(self, name: str, limits: Limits) -> "_Cgroup":
        folders = []
        try:
            for controller, parent in self.parents.items():
                folder = parent / name
                folder.mkdir()
                folders.append(folder)
            group = _Cgroup(self.version, folders)
            group.limit(limits)
            return group
        except BaseException:
            for folder in reversed(folders):
                try:
                    folder.rmdir()
                except OSError:
                    pass
            raise


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def _counter(text: str, key: str) -> int:
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == key and parts[1].isdigit():
            return int(parts[1])
    return 0


class _Cgroup:
    def __init__(self, version: int, folders: list):
        self.version, self.folders = version, folders

    def _write(self, name: str, value) -> bool:
        for folder in self.folders:
            if (folder / name).exists():
                (folder / name).write_text(str(value), encoding="utf-8")
                return True
        return False

    def limit(self, limits: Limits) -> None:
        if self.version == 2:
            self._write("memory.max", limits.memory)
            self._write("memory.swap.max", 0)
            self._write("pids.max", limits.processes)
        else:
            self._write("memory.limit_in_bytes", limits.memory)
            try:  # with swap accounting, forbid swap too (memsw >= limit, so after it)
                self._write("memory.memsw.limit_in_bytes", limits.memory)
            except OSError:
                pass
            self._write("pids.max", limits.processes)

    def add(self, pid: int) -> None:
        for folder in self.folders:
            (folder / "cgroup.procs").write_text(str(pid), encoding="utf-8")

    def pids(self) -> set:
        found = set()
        for folder in self.folders:
            found.update(int(p) for p in _read(folder / "cgroup.procs").split())
        return found

    def events(self) -> dict:
        """How often the limits were hit: ``{"memory": OOM kills, "processes": refused forks}``."""
        memory = processes = 0
        for folder in self.folders:
            if self.version == 2:
                memory += _counter(_read(folder / "memory.events"), "oom_kill")
            else:
                memory += _counter(_read(folder / "memory.oom_control"), "oom_kill")
            processes += _counter(_read(folder / "pids.events"), "max")
        return {"memory": memory, "processes": processes}

    def kill(self) -> None:
        if self.version == 2 and self._write("cgroup.kill", 1):
            return
        for _ in range(100):  # v1: until no process is left (a fork between two reads is caught next time)
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.01)

    def remove(self) -> None:
        deadline = time.monotonic() + 5
        for folder in self.folders:
            while True:
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        break
                    self.kill()
                    time.sleep(0.02)


# -------------------------------------------------------------------------------------------- sandbox

_INSTALL = "install it with `sudo apt-get install {package}` (Debian, Ubuntu)"


def problems() -> list:
    """What this machine lacks for the sandbox, each as a sentence that says how to fix it ([] if nothing)."""
    found = []
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        found.append("bubblewrap (`bwrap`) is not installed: " + _INSTALL.format(package="bubblewrap"))
    root = os.geteuid() == 0
    if root and shutil.which("setpriv") is None:
        found.append("`setpriv` is missing: " + _INSTALL.format(package="util-linux"))
    if not os.path.exists("/proc/self/mountinfo"):
        found.append("the sandbox needs Linux (namespaces and cgroups)")
        return found
    cgroups = _Cgroups()
    problem = cgroups.problem()
    if problem:
        found.append(problem)
    if bwrap is not None and not found:
        args = [bwrap, *_namespaces(root), "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "true"]
        result = subprocess.run(args, capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            hint = "" if root else " (as an ordinary user it needs unprivileged user namespaces: `sysctl kernel.unprivileged_userns_clone=1`)"
            found.append(f"bubblewrap cannot create the sandbox's namespaces: {result.stderr.strip() or result.returncode}{hint}")
    return found


def _namespaces(root: bool) -> list:
    args = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent", "--new-session"]
    if not root:
        args += ["--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY)]
    return args


def _ancestors(path: str) -> list:
    parts = Path(path).parts[1:-1]
    return ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]


class Sandbox:
    """Starts programs in sandboxes with ``limits``; ``isolated=False`` runs them as plain processes
    (``--no-sandbox``: only the CPU-time and file-size limits apply)."""

    def __init__(self, limits: Limits = Limits(), isolated: bool = True):
        self.limits, self.isolated = limits, isolated
        self.root = os.geteuid() == 0
        if isolated:
            missing = problems()
            if missing:
                raise SandboxUnavailable("; ".join(missing))
            self._cgroups = _Cgroups()
            self._cgroups.sweep()

    def inside(self, inside_path: str, host_path: Path) -> str:
        """The path at which the program sees a writable folder: ``inside_path`` in a sandbox."""
        return inside_path if self.isolated else str(host_path)

    def command(self, argv: list, view: View, info_fd: int, block_fd: int) -> tuple[list, list]:
        """The bubblewrap command line for ``argv`` in ``view``, and the file descriptors it needs.

        The program is started by a small guard, ``/bin/sh``: it leaves a process behind that waits on
        the lifeline, a pipe whose other end only the grader holds, given as bubblewrap's standard input,
        and kills every process of the sandbox when it reads end-of-file — when the grader dies, even in
        the instant before bubblewrap's own parent-death signal is armed.  The guard moves the lifeline to
        file descriptor 3 and gives the program /dev/null instead: Debian's /bin/sh (dash) reads no
        descriptor above 9 in a redirection, and a guard once given descriptor 10 failed at once ("Bad fd
        number"), which let a kernel outlive its killed grader.  As root, the guard stays root and the
        program runs as nobody."""
        args = ["bwrap", *_namespaces(self.root), "--clearenv", "--info-fd", str(info_fd), "--block-fd", str(block_fd)]
        args += ["--ro-bind", "/usr", "/usr"]
        for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
            path = Path("/") / name
            if path.is_symlink():
                args += ["--symlink", os.readlink(path), str(path)]
            elif path.is_dir():
                args += ["--ro-bind", str(path), str(path)]
        args += ["--ro-bind", "/etc", "/etc", "--proc", "/proc", "--dev", "/dev"]
        made = {"/", "/usr", "/etc", "/proc", "/dev", "/tmp"}

        def mkdirs(path: str):
            nonlocal args
            for parent in _ancestors(path) + [path]:
                if parent not in made and not any(parent == m or parent.startswith(m.rstrip("/") + "/") for m in ("/usr", "/etc")):
                    # in HOME the program owns its folders: they stay writable (by nobody, inside)
                    mode = "0777" if parent.startswith(view.home.rstrip("/") + "/") else "0755"
                    args += ["--perms", mode, "--dir", parent]
                    made.add(parent)

        for path in sorted({str(p) for p in view.read_only}, key=len):
            for parent in _ancestors(path):
                mkdirs(parent)
            args += ["--ro-bind", path, path]
            made.add(path)
        for path in view.hidden:
            args += ["--perms", "0755", "--tmpfs", str(path)]
        size = str(self.limits.memory)
        args += ["--perms", "1777", "--size", size, "--tmpfs", "/tmp"]
        mkdirs(str(Path(view.home).parent))
        args += ["--perms", "0777", "--size", size, "--tmpfs", view.home]
        made.add(view.home)
        for inside, host in view.writable.items():
            mkdirs(str(Path(inside).parent))
            args += ["--bind", str(host), inside]
        fds = []
        for path, data in view.files.items():
            mkdirs(str(Path(path).parent))
            with tempfile.TemporaryFile() as file:  # unlinked: only bubblewrap's copy remains
                file.write(data)
                file.flush()
                read_fd = os.open(f"/proc/self/fd/{file.fileno()}", os.O_RDONLY)
            fds.append(read_fd)
            args += ["--perms", "0444", "--ro-bind-data", str(read_fd), path]
        for name, value in {"HOME": view.home, **view.env}.items():
            args += ["--setenv", name, str(value)]
        args += ["--chdir", view.cwd or view.home]
        guard = 'exec 3<&0 </dev/null; (read _ <&3; kill -9 -1) & exec "$@" 3<&-'
        args += ["--", "/bin/sh", "-c", guard, "sh"]
        if self.root:  # no user namespace: drop to nobody inside, with no capabilities left to regain
            args += [shutil.which("setpriv") or "setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                     "--inh-caps=-all", "--bounding-set=-all", "--"]
        return args + list(argv), fds

    def start(self, argv: list, view: View, name: str = "box") -> "Box":
        """Start ``argv`` in a new sandbox (or, not isolated, as a process of its own session)."""
        if not self.isolated:
            env = {"HOME": view.home, **view.env}
            process = subprocess.Popen(argv, env=env, cwd=view.cwd or view.home, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
            self._rlimits(process.pid)
            return Box(process, process.pid, None)
        info_r, info_w = os.pipe()
        block_r, block_w = os.pipe()
        lifeline_r, lifeline_w = os.pipe()
        group = self._cgroups.create(f"gdcourse-{name}-{uuid.uuid4().hex[:12]}", self.limits)
        fds = []
        try:
            args, fds = self.command(argv, view, info_w, block_r)
            # bubblewrap's messages, and whatever the program writes to its stderr (capped by file_size).
            log = tempfile.TemporaryFile()
            process = subprocess.Popen(args, pass_fds=(info_w, block_r, *fds), stdin=lifeline_r,
                                       stdout=subprocess.DEVNULL, stderr=log, close_fds=True)
            process.log = log
        except BaseException:
            os.close(lifeline_w)
            group.remove()
            raise
        finally:
            for fd in (info_w, block_r, lifeline_r, *fds):
                os.close(fd)
        box = Box(process, None, group)
        box.lifeline = lifeline_w
        try:
            info = _read_info(info_r, process)
            box.init_pid = info["child-pid"]
            # Into the cgroup and under the rlimits before the program starts: bubblewrap waits on block_fd.
            for pid in (process.pid, box.init_pid):
                group.add(pid)
            self._rlimits(box.init_pid)
            os.write(block_w, b"go")
        except BaseException:
            box.kill()
            raise
        finally:
            os.close(info_r)
            os.close(block_w)
        return box

    def _rlimits(self, pid: int) -> None:
        import resource

        resource.prlimit(pid, resource.RLIMIT_CPU, (self.limits.cpu_time, self.limits.cpu_time + 5))
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (self.limits.file_size, self.limits.file_size))
        resource.prlimit(pid, resource.RLIMIT_CORE, (0, 0))


def _read_info(fd: int, process) -> dict:
    data = b""
    deadline = time.monotonic() + 30
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    while time.monotonic() < deadline:
        if not poller.poll(max(0.0, deadline - time.monotonic()) * 1000):
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
        try:
            return json.loads(data)
        except ValueError:
            continue
    error = "no answer"
    if process.poll() is not None:
        process.log.seek(0)
        error = process.log.read(2000).decode(errors="replace").strip() or f"exit code {process.returncode}"
    raise SandboxUnavailable(f"bubblewrap did not start the sandbox: {error}")


class Box:
    """One running sandbox: :meth:`poll` its exit code, :meth:`events` of its limits, :meth:`kill` it all."""

    def __init__(self, process, init_pid, group):
        self.process, self.init_pid, self.group = process, init_pid, group
        self.lifeline = None  # the grader's end of the guard's pipe (see Sandbox.command)

    @property
    def isolated(self) -> bool:
        return self.group is not None

    def poll(self):
        """None while it runs, else its exit code (128 + n for a program killed by signal n)."""
        code = self.process.poll()
        if code is not None and code < 0:
            return 128 - code
        return code

    def events(self) -> dict:
        return self.group.events() if self.group else {"memory": 0, "processes": 0}

    def stop_others(self) -> int:
        """End every process of the sandbox but the program itself (helpers, daemons, forks it left
        running); returns how many were ended.  The program is the first child of the sandbox's init."""
        if self.group is None or not self.init_pid:
            return 0
        stats = {}
        for pid in self.group.pids():
            try:
                text = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            fields = text[text.rindex(")") + 2:].split()  # after "pid (comm) "
            stats[pid] = (int(fields[1]), int(fields[19]))  # ppid, start time
            try:
                if os.stat(f"/proc/{pid}").st_uid == 0 and os.geteuid() == 0:
                    stats[pid] += ("ours",)  # bubblewrap's init and the guard run as root, the notebook never
            except OSError:
                pass
        children = sorted((start, pid) for pid, (ppid, start, *_) in stats.items() if ppid == self.init_pid)
        keep = {self.process.pid, self.init_pid} | ({children[0][1]} if children else set())
        keep |= {pid for pid, fields in stats.items() if "ours" in fields}
        ended = 0
        for pid in stats:
            if pid not in keep:
                try:
                    os.kill(pid, signal.SIGKILL)
                    ended += 1
                except OSError:
                    pass
        return ended

    def kill(self) -> None:
        """End every process of the sandbox, then the sandbox."""
        if self.group is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except OSError:
                pass
        else:
            if self.init_pid:
                try:
                    os.kill(self.init_pid, signal.SIGKILL)  # the PID namespace ends with its init
                except OSError:
                    pass
            self.group.kill()
        try:
            self.process.kill()
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def close(self) -> None:
        self.kill()
        log = getattr(self.process, "log", None)
        if log is not None:
            log.close()
        if self.lifeline is not None:
            os.close(self.lifeline)
            self.lifeline = None
        if self.group is not None:
            self.group.remove()
