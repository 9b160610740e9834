"""Bounds on the user's code an export runs: the notebook (``--execute``) and the package's tests.

Both run the user's code, which may never end (``while True: time.sleep(1)``). Each such run
gets :class:`Limits`: a timeout in seconds (one bound per run of the notebook, and one for the
test run; not one for the whole export) and a cancel event another thread may set (the REST
handler sets it when its client goes away). :func:`watch` starts a watchdog thread that, once
the time is up or the event is set, kills what the run started (the kernel's process group, or
pytest's session) so that no child is left behind, and the run ends at once with an error the
caller turns into :class:`ExecutionStopped`, naming what was running.

The limits of an export are set around the whole call with :func:`limits` (a context variable),
so every export target, a plugin's too, gets them without a new keyword in the writers'
signature; a worker thread enters them with :func:`run_with`. No server import here:
jupyter_client is imported only when a kernel is started.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from .errors import ExecutionFailed

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_TIMEOUT",
    "ExecutionStopped",
    "KernelKiller",
    "Limits",
    "Watch",
    "current",
    "kill_session",
    "limits",
    "run_with",
    "watch",
]

DEFAULT_TIMEOUT = 600.0  # seconds, for each run of the notebook and for the test run
MAX_TIMEOUT = 86400.0  # one day: anything longer is a typo, not a notebook
_POLL = 0.05  # how often the watchdog looks at the clock and the cancel event

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """How long each run of user code may take (seconds; None: no bound), and a cancel event."""

    timeout: float | None = DEFAULT_TIMEOUT
    cancel: threading.Event | None = None

    def __post_init__(self) -> None:
        if self.timeout is not None and not 0 < self.timeout <= MAX_TIMEOUT:
            raise ValueError(f"timeout must be more than 0 and at most {MAX_TIMEOUT:.0f} seconds")

    @property
    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()


_DEFAULT = Limits()
_CURRENT: contextvars.ContextVar[Limits | None] = contextvars.ContextVar(
    "nbbridge_export_limits", default=None
)


def current() -> Limits:
    """The limits of the export running in this context (the defaults outside any)."""
    return _CURRENT.get() or _DEFAULT


@contextmanager
def limits(
    timeout: float | None = DEFAULT_TIMEOUT, cancel: threading.Event | None = None
) -> Iterator[Limits]:
    """Run the block's exports under these limits."""
    chosen = Limits(timeout, cancel)
    token = _CURRENT.set(chosen)
    try:
        yield chosen
    finally:
        _CURRENT.reset(token)


def run_with(chosen: Limits, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``function(*args, **kwargs)`` under ``chosen`` (for a worker thread, whose context is
    fresh)."""
    token = _CURRENT.set(chosen)
    try:
        return function(*args, **kwargs)
    finally:
        _CURRENT.reset(token)


class ExecutionStopped(ExecutionFailed):
    """The user's code was stopped: it ran past its timeout (``reason == "timeout"``) or the
    export was cancelled (``"cancelled"``). ``running`` says what was running (a cell, a test)."""

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        cell_id: str | None = None,
        running: str | None = None,
    ) -> None:
        self.reason = reason
        self.running = running
        super().__init__(message, cell_id=cell_id)


class Watch:
    """The watchdog of one run; ``fired`` is None, ``"timeout"`` or ``"cancelled"``."""

    def __init__(self, chosen: Limits, kill: Callable[[], bool]) -> None:
        self.limits = chosen
        self.fired: str | None = None
        self._kill = kill
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="nbbridge-watchdog", daemon=True)

    def _run(self) -> None:
        timeout = self.limits.timeout
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._done.is_set():
            if self.limits.cancelled:
                self.fired = "cancelled"
            elif deadline is not None and time.monotonic() >= deadline:
                self.fired = "timeout"
            if self.fired:
                break
            self._done.wait(_POLL)
        # Kill until it took: the process may not have started yet (a kernel starting up).
        while self.fired and not self._done.is_set() and not self._kill():
            self._done.wait(_POLL)

    def __enter__(self) -> Watch:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._done.set()
        self._thread.join()


def watch(chosen: Limits, kill: Callable[[], bool]) -> Watch:
    """A context manager: while its block runs, call ``kill()`` once ``chosen`` runs out
    (again every few milliseconds until it returns True: killed, or nothing left to kill)."""
    return Watch(chosen, kill)


class KernelKiller:
    """Kills the kernel nbclient starts, with its children: pass :meth:`manager_class` as
    nbclient's ``kernel_manager_class`` (through papermill's engine keywords) and the instance as
    :func:`watch`'s ``kill``.

    jupyter_client starts a local kernel in a session of its own, and its provisioner's
    ``kill`` sends SIGKILL to the kernel's whole process group: processes the notebook started
    die with it. nbclient then sees the kernel dead (DeadKernelError, within a second).
    """

    def __init__(self) -> None:
        self._managers: list[Any] = []

    def manager_class(self) -> type:
        from jupyter_client.manager import AsyncKernelManager

        managers = self._managers

        class WatchedKernelManager(AsyncKernelManager):  # type: ignore[misc]
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                managers.append(self)

        return WatchedKernelManager

    def __call__(self) -> bool:
        if not self._managers:
            return False
        provisioner = getattr(self._managers[-1], "provisioner", None)
        if provisioner is None or not provisioner.has_process:
            return False  # still starting: try again
        # The provisioner's own loop is the worker thread's, busy running the notebook; kill
        # only sends signals, so it runs in a loop of this (the watchdog's) thread.
        asyncio.run(provisioner.kill())
        return True


def kill_session(process: subprocess.Popen[Any]) -> Callable[[], bool]:
    """A ``kill`` for :func:`watch`: SIGKILL to the session of ``process`` (started with
    ``start_new_session=True``), so its children die with it."""

    def kill() -> bool:
        if not hasattr(os, "killpg"):  # Windows: no process groups
            process.kill()
            return True
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # already gone
        except PermissionError:
            process.kill()
        return True

    return kill
