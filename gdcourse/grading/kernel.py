"""A Jupyter kernel for untrusted code: started from a command line the grader builds, in a sandbox.

No kernelspec, provisioner, entry point, ``.pth`` file, IPython profile, startup file or Jupyter config
is looked up: the kernel is ``python -I -S -c BOOT`` (isolated mode, no ``site``), where BOOT puts the
environment's package folders on ``sys.path`` itself and starts ipykernel with a connection file the
grader wrote.  It talks to the grader over IPC sockets in a private folder — there is no network — and
the folder is made read-only for the kernel once its sockets exist.

:class:`Kernel` runs cells with a deadline each, counts every byte the kernel sends (``max_output``),
interrupts a late cell (SIGINT, through the control channel) and, if the cell ignores that, reports it
``stuck`` so that the caller ends the whole sandbox.  It keeps none of the outputs.
"""

from __future__ import annotations

import json
import os
import secrets
import site
import stat
import sys
import time
from pathlib import Path

from gdcourse.grading.sandbox import NOBODY, Box, Sandbox, View

__all__ = ["Kernel", "Reply", "IO_INSIDE"]

#: Where the kernel sees its private folder (connection file, sockets, the result file).
IO_INSIDE = "/run/gdcourse"
#: Seconds a kernel may take to start, and to answer an interrupt.
START_SECONDS = 60.0
INTERRUPT_GRACE = 5.0

_BOOT = """\
import sys
sys.path[:0] = {first!r}
sys.path += {after!r}
sys.argv = ["ipykernel"]
from ipykernel import kernelapp
kernelapp.launch_new_instance(argv=["-f", {connection!r}, "--HistoryManager.enabled=False", "--IPKernelApp.quiet=True"])
"""


class Reply(dict):
    """How a cell ended: ``status`` is ok, error, timeout (interrupted), stuck, died or output; errors
    carry ``ename`` and ``evalue``."""

    @property
    def status(self) -> str:
        return self["status"]


def _site_folders() -> list:
    folders = [p for p in site.getsitepackages() if os.path.isdir(p)]
    return list(dict.fromkeys(folders))


def _font_cache() -> tuple[str, bytes] | None:
    """matplotlib's font list, so that a fresh HOME does not rebuild it for every submission."""
    try:
        import matplotlib
        from matplotlib import font_manager

        name = f"fontlist-v{font_manager.FontManager.__version__}.json"
        path = Path(matplotlib.get_cachedir()) / name
        return name, path.read_bytes()
    except Exception:  # noqa: BLE001 - only a speed-up
        return None


class Kernel:
    """One kernel in one sandbox.  ``package`` is gdcourse's folder; ``hidden`` its subfolders the
    kernel must not see (they are replaced by empty folders, or by ``replacements``' files)."""

    def __init__(self, sandbox: Sandbox, workdir: Path, package: Path, hidden=(), replacements=None, max_output: int = 10 << 20, files=None):
        self.sandbox, self.workdir, self.max_output = sandbox, Path(workdir), max_output
        self.package, self.hidden, self.replacements = Path(package), list(hidden), dict(replacements or {})
        self.files = dict(files or {})
        self.box: Box | None = None
        self.client = None
        self.output_bytes = 0
        self.io = self.workdir / "io"

    # ------------------------------------------------------------------ start, stop

    def _view(self) -> View:
        home = "/home/sandbox"
        font = _font_cache()
        if not self.sandbox.isolated:  # a throw-away HOME on the host; nothing can be hidden
            home = str(self.workdir / "home")
            os.mkdir(home, 0o700)
            for name, data in self.files.items():
                (Path(home) / name).write_bytes(data)
            if font:
                os.mkdir(f"{home}/.matplotlib", 0o700)
                Path(f"{home}/.matplotlib/{font[0]}").write_bytes(font[1])
        prefixes = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)}
        read_only = sorted(prefixes | {str(self.package)} | {os.path.realpath(p) for p in _site_folders()})
        read_only = [p for p in read_only if not any(p != q and p.startswith(q.rstrip("/") + "/") for q in read_only)]
        read_only = [p for p in read_only if not p.startswith(("/usr/", "/etc/")) and p != "/usr"]
        files = {f"{self.package}/{name}": data for name, data in self.replacements.items()}
        env = {
            "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "MPLBACKEND": "agg",  # figures are not needed to grade: none are rendered
            "MPLCONFIGDIR": f"{home}/.matplotlib",
            "IPYTHONDIR": f"{home}/.ipython",
            "JUPYTER_CONFIG_DIR": f"{home}/.jupyter",
            "JUPYTER_DATA_DIR": f"{home}/.local/share/jupyter",
            "JUPYTER_RUNTIME_DIR": f"{home}/.local/share/jupyter/runtime",
            "JUPYTER_NO_CONFIG": "1",
            "JUPYTER_PLATFORM_DIRS": "1",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        }
        if font and self.sandbox.isolated:
            files[f"{home}/.matplotlib/{font[0]}"] = font[1]
        if self.sandbox.isolated:
            for name, data in self.files.items():
                files[f"{home}/{name}"] = data
        else:
            files = {}
        return View(read_only=read_only, hidden=[self.package / h for h in self.hidden], files=files,
                    writable={IO_INSIDE: self.io}, env=env, home=home, cwd=home)

    def start(self) -> None:
        import zmq
        from jupyter_client import BlockingKernelClient

        self.io.mkdir(mode=0o700)
        os.chmod(self.io, 0o777)  # the kernel (nobody) creates its sockets here; locked again below
        inside = self.sandbox.inside(IO_INSIDE, self.io)
        key = secrets.token_hex(32)

        def connection(folder):
            return {"transport": "ipc", "ip": f"{folder}/kernel", "shell_port": 1, "iopub_port": 2, "stdin_port": 3,
                    "control_port": 4, "hb_port": 5, "key": key, "signature_scheme": "hmac-sha256", "kernel_name": ""}

        (self.io / "connection.json").write_text(json.dumps(connection(inside)), encoding="utf-8")
        os.chmod(self.io / "connection.json", 0o644)
        self.record_path = self.io / "record.json"
        self.record_path.write_bytes(b"")
        os.chmod(self.record_path, 0o666)
        if self.sandbox.isolated and os.geteuid() == 0:
            os.chown(self.record_path, NOBODY, NOBODY)
            os.chmod(self.record_path, 0o644)
        view = self._view()
        first = [str(self.package.parent)]
        boot = _BOOT.format(first=first, after=_site_folders(), connection=f"{inside}/connection.json")
        self.box = self.sandbox.start([sys.executable, "-I", "-S", "-c", boot], view, name="kernel")

        context = zmq.Context()
        context.setsockopt(zmq.MAXMSGSIZE, self.max_output + (1 << 20))
        context.setsockopt(zmq.LINGER, 0)
        self.context = context
        self.client = BlockingKernelClient(context=context)
        self.client.load_connection_info(connection(str(self.io)))
        self.client.start_channels()
        deadline = time.monotonic() + START_SECONDS
        while True:
            if self.box.poll() is not None:
                raise RuntimeError(f"the kernel exited while starting (code {self.box.poll()})")
            try:
                self.client.wait_for_ready(timeout=1)
                break
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the kernel did not start within {START_SECONDS:g} s") from None
        os.chmod(self.io, 0o755 if os.geteuid() == 0 and self.sandbox.isolated else 0o555)  # no new files
        self._monitors = [self.client.shell_channel.socket.get_monitor_socket(zmq.EVENT_DISCONNECTED),
                          self.client.iopub_channel.socket.get_monitor_socket(zmq.EVENT_DISCONNECTED)]

    def close(self) -> None:
        if self.client is not None:
            try:
                self.client.stop_channels()
            except Exception:  # noqa: BLE001
                pass
        if self.box is not None:
            self.box.close()
        if getattr(self, "context", None) is not None:
            self.context.destroy(linger=0)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    # ------------------------------------------------------------------ running cells

    def alive(self) -> bool:
        return self.box is not None and self.box.poll() is None

    def execute(self, code: str, timeout: float) -> Reply:
        """Run ``code``; wait at most ``timeout`` s, then interrupt, then give up (``stuck``)."""
        import zmq

        client = self.client
        msg_id = client.execute(code, silent=False, store_history=False, allow_stdin=False, stop_on_error=False)
        shell, iopub = client.shell_channel.socket, client.iopub_channel.socket
        poller = zmq.Poller()
        for socket in (shell, iopub, *self._monitors):
            poller.register(socket, zmq.POLLIN)
        deadline = time.monotonic() + timeout
        interrupted = False
        while True:
            if self.output_bytes > self.max_output:
                return Reply(status="output")
            left = deadline - time.monotonic()
            if left <= 0:
                if interrupted:
                    return Reply(status="stuck")
                self._interrupt()
                interrupted, deadline = True, time.monotonic() + INTERRUPT_GRACE
                continue
            events = dict(poller.poll(min(left, 0.5) * 1000))
            if not events:
                if self.box.poll() is not None:
                    return Reply(status="died", code=self.box.poll())
                continue
            for monitor in self._monitors:
                if monitor in events:
                    monitor.recv_multipart()
                    if self._exits_soon():
                        return Reply(status="died", code=self.box.poll())
                    return Reply(status="output")  # a message larger than the limit: zmq dropped it
            if iopub in events:
                self._drain(iopub)
            if shell in events:
                frames = shell.recv_multipart(zmq.NOBLOCK, copy=True)
                self.output_bytes += sum(len(f) for f in frames)
                message = self._parse(frames)
                if message is None or message.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                content = message.get("content", {})
                if content.get("status") == "error":
                    reply = Reply(status="timeout" if interrupted else "error", ename=str(content.get("ename", ""))[:200],
                                  evalue=str(content.get("evalue", ""))[:500])
                    return reply
                if interrupted:
                    return Reply(status="timeout")
                return Reply(status="ok")

    def _exits_soon(self, seconds: float = 2.0) -> bool:
        """Did the sandbox end (a disconnection is its death, not an oversized message)?"""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.box.poll() is not None:
                return True
            time.sleep(0.05)
        return False

    def _drain(self, socket) -> None:
        import zmq

        while True:
            try:
                frames = socket.recv_multipart(zmq.NOBLOCK, copy=True)
            except zmq.Again:
                return
            self.output_bytes += sum(len(f) for f in frames)
            if self.output_bytes > self.max_output:
                return

    def _parse(self, frames):
        try:
            _, parts = self.client.session.feed_identities(frames, copy=True)
            return self.client.session.deserialize(parts, content=True, copy=True)
        except Exception:  # noqa: BLE001 - a garbled or unsigned message is ignored
            return None

    def _interrupt(self) -> None:
        message = self.client.session.msg("interrupt_request", {})
        self.client.control_channel.send(message)

    # ------------------------------------------------------------------ the result file

    def reset_record(self) -> None:
        """Empty the result file before the harness writes it (a notebook cell may have written there)."""
        fd = os.open(self.record_path, os.O_WRONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                os.ftruncate(fd, 0)
        finally:
            os.close(fd)

    def record_inside(self) -> str:
        return f"{self.sandbox.inside(IO_INSIDE, self.io)}/record.json"
