"""Steps' prints: recorded per step, and passed on live as they would appear in the notebook;
and a guard that holds Ctrl-C back while a finished step's entry is being written."""

from __future__ import annotations

import contextlib
import io
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any, TextIO

__all__ = ["Recorder", "deferred_interrupt", "recording"]


class Recorder(io.TextIOBase):
    """A text stream that keeps what is written and, if given one, writes it on live."""

    def __init__(self, live: TextIO | None) -> None:
        self.live = live
        self.parts: list[str] = []

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.parts.append(text)
        if self.live is not None:
            self.live.write(text)
            self.live.flush()  # live, as the notebook shows it, even when piped
        return len(text)

    def flush(self) -> None:
        if self.live is not None:
            self.live.flush()

    def take(self) -> str:
        """What was written since the last take."""
        text = "".join(self.parts)
        self.parts.clear()
        return text

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.live, "encoding", None) or "utf-8"


@contextlib.contextmanager
def recording(recorder: Recorder) -> Iterator[Recorder]:
    previous = sys.stdout
    sys.stdout = recorder
    try:
        yield recorder
    finally:
        sys.stdout = previous


@contextlib.contextmanager
def deferred_interrupt() -> Iterator[None]:
    """Hold SIGINT until the block ends (then raise KeyboardInterrupt): a step that finished
    is cached whole even when Ctrl-C comes while its entry is written."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[Any] = []
    previous = signal.signal(signal.SIGINT, lambda *args: received.append(args))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            raise KeyboardInterrupt
