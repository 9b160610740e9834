"""The nbbridge Jupyter server extension: registers the REST handlers under /nbbridge/."""

from __future__ import annotations

from jupyter_server.extension.application import ExtensionApp

from ._version import __version__
from .core import Analyzer
from .handlers import route_table

__all__ = ["NbbridgeApp"]


class NbbridgeApp(ExtensionApp):
    """Holds the state the handlers share: one Analyzer (its cell cache) and the root folder."""

    name = "nbbridge"
    version = __version__
    description = "nbbridge: notebooks as pipelines"

    def initialize_settings(self) -> None:
        # One Analyzer for the whole server: re-analysing after an edit then costs one cell.
        self.analyzer = Analyzer()
        self.settings.update(
            nbbridge_analyzer=self.analyzer,
            nbbridge_root_dir=self.serverapp.root_dir,
        )

    def initialize_handlers(self) -> None:
        self.handlers.extend(route_table())
