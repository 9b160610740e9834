"""nbbridge: from notebook to production inside JupyterLab.

This module is light on purpose: it is imported by the Jupyter server (extension points), by
IPython (``%load_ext nbbridge``) and by the CLI, and none of them should pay for the others.
"""

from ._version import __version__

__all__ = ["__version__", "load_ipython_extension"]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "../../extension/labextension", "dest": "nbbridge"}]


def _jupyter_server_extension_points() -> list[dict[str, object]]:
    from .app import NbbridgeApp

    return [{"module": "nbbridge", "app": NbbridgeApp}]


def load_ipython_extension(ipython) -> None:  # noqa: ANN001 - IPython's own signature
    """``%load_ext nbbridge``: register the ``%%step`` and ``%nbbridge`` magics."""
    from .magics import register

    register(ipython)
