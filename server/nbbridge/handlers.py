"""REST handlers under /nbbridge/: thin wrappers over nbbridge.core."""

from __future__ import annotations


def route_table() -> list[tuple[str, type]]:
    return []
