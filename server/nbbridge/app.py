"""The nbbridge Jupyter server extension: registers the REST handlers under /nbbridge/."""

from __future__ import annotations

from jupyter_server.extension.application import ExtensionApp

from .handlers import route_table


class NbbridgeApp(ExtensionApp):
    name = "nbbridge"

    def initialize_handlers(self) -> None:
        self.handlers.extend(route_table())
