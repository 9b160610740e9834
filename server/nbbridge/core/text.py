"""Quoting values inside messages: bounded, so an answer never echoes a huge input back."""

from __future__ import annotations

__all__ = ["MAX_QUOTED", "clip", "quoted"]

MAX_QUOTED = 200


def clip(text: str, limit: int = MAX_QUOTED) -> str:
    """``text`` itself, or its first ``limit`` characters and how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def quoted(value: object, limit: int = MAX_QUOTED) -> str:
    """``repr(value)``, a long string cut to its first ``limit`` characters (and its length)."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}… ({len(value):,} characters)"
    return clip(repr(value), limit)
