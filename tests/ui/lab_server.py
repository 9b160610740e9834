"""A real ``jupyter lab`` for browser tests and the panel benchmark, and Debian's chromium.

The server is the venv's own ``jupyter`` started without a shell (so the PID is the server's),
on a free port of 127.0.0.1, with a token, a temporary root, settings and workspaces folder, and
the news toast turned off. ``stop()`` terminates and waits for it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "LabServer", "free_port", "start_lab"]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

PYTHON3 = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

# How long a cold JupyterLab may take to answer /api/status before we give up (a hang guard:
# it answers in 4-6 s here).
STARTUP_LIMIT_S = 90


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LabServer:
    """A running ``jupyter lab``: its URL, token, root folder and process."""

    url: str
    token: str
    root: Path
    process: subprocess.Popen[bytes]
    log_path: Path
    _log: object = field(repr=False, default=None)

    def lab_url(self, path: str = "") -> str:
        """The URL of the lab page (``path`` opens a file), resetting the saved layout."""
        target = f"lab/tree/{path}" if path else "lab"
        return f"{self.url}{target}?reset&token={self.token}"

    def add_notebook(self, source: Path, name: str) -> str:
        """Copy a notebook into the server root; returns its path relative to the root."""
        shutil.copyfile(source, self.root / name)
        return name

    def write_notebook(self, notebook: dict, name: str) -> str:
        """Write notebook JSON into the server root; returns its path relative to the root.

        A notebook without a kernelspec gets the venv's python3 one (JupyterLab would ask).
        """
        notebook = dict(notebook)
        notebook["metadata"] = {"kernelspec": PYTHON3, **notebook.get("metadata", {})}
        (self.root / name).write_text(json.dumps(notebook, indent=1), encoding="utf-8")
        return name

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's log, for failure messages."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Terminate the server and wait for it (kill it if it ignores the request)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        close = getattr(self._log, "close", None)
        if close is not None:
            close()


def _write_user_settings(settings_dir: Path) -> None:
    # The "get notified about Jupyter news?" toast covers the page: answer it up front.
    notification = settings_dir / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True, exist_ok=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8"
    )


def start_lab(base: Path, extra_args: tuple[str, ...] = ()) -> LabServer:
    """Start ``jupyter lab`` with its folders under ``base`` and wait until it answers."""
    root = base / "root"
    settings = base / "settings"
    workspaces = base / "workspaces"
    runtime = base / "runtime"
    for folder in (root, settings, workspaces, runtime):
        folder.mkdir(parents=True, exist_ok=True)
    _write_user_settings(settings)

    port = free_port()
    token = secrets.token_hex(16)
    jupyter = Path(sys.executable).with_name("jupyter")
    command = [
        str(jupyter),
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={workspaces}",
        # Lets the benchmark drive the app (window.jupyterapp) like a user's command would.
        "--LabApp.expose_app_in_browser=True",
        *extra_args,
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(runtime), PYTHONUNBUFFERED="1")
    env["PATH"] = f"{jupyter.parent}{os.pathsep}{env.get('PATH', '')}"
    log_path = base / "jupyter-lab.log"
    log = log_path.open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    server = LabServer(
        url=f"http://127.0.0.1:{port}/",
        token=token,
        root=root,
        process=process,
        log_path=log_path,
        _log=log,
    )
    try:
        _wait_until_up(server)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_until_up(server: LabServer) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT_S
    request = urllib.request.Request(
        f"{server.url}api/status", headers={"Authorization": f"token {server.token}"}
    )
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"jupyter lab exited with {server.process.returncode}:\n{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"jupyter lab did not answer in time:\n{server.log_tail()}")
        time.sleep(0.1)
