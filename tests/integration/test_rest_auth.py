"""Every route nbbridge registers refuses requests without a token, on every verb it implements.

The routes are read from the running server's own routing table (not from a list kept in the
tests), so a handler added later without ``@tornado.web.authenticated`` fails here. The probe
sends a valid XSRF cookie/header pair: without it jupyter-server would answer 403 to any
unauthenticated POST for XSRF reasons alone and hide a missing ``@authenticated``.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import tornado.web
from jupyter_server.utils import url_path_join
from tornado.routing import Router

from nbbridge.handlers import NbbridgeHandler, route_table

pytestmark = pytest.mark.timeout(120)

_GROUP = re.compile(r"\((?:\?P<\w+>)?[^()]*\)")
_BODY_METHODS = {"POST", "PUT", "PATCH"}


def registered_handlers(router: Any) -> list[tuple[str, type[tornado.web.RequestHandler]]]:
    """(URL regex, handler class) for every rule of a tornado router, nested routers included."""
    found = []
    for rule in getattr(router, "rules", []):
        target = rule.target
        if isinstance(target, type) and issubclass(target, tornado.web.RequestHandler):
            found.append((rule.matcher.regex.pattern, target))
        elif isinstance(target, Router):
            found.extend(registered_handlers(target))
    return found


def nbbridge_verbs(handler: type) -> list[str]:
    """The HTTP verbs whose method is defined by nbbridge code (not inherited from the server)."""
    verbs = []
    for verb in tornado.web.RequestHandler.SUPPORTED_METHODS:
        for cls in handler.__mro__:
            if verb.lower() in vars(cls):
                if cls.__module__.split(".")[0] == "nbbridge":
                    verbs.append(verb)
                break
    return verbs


def example_url(pattern: str) -> str:
    """A concrete URL matching a route regex: each capture group becomes a plausible segment."""
    url = _GROUP.sub("probe.ipynb", pattern.rstrip("$"))
    assert not set(url) & set("()[]*+?\\^$|"), f"cannot build a URL for {pattern!r}"
    assert re.fullmatch(pattern, url), (pattern, url)
    return url


async def probe(client: Any, url: str, verb: str, headers: dict[str, str]) -> int:
    """Send ``verb`` to ``url`` with a body the pipeline route would accept; return the status."""
    headers = {"Cookie": "_xsrf=probe", "X-XSRFToken": "probe", **headers}
    body = json.dumps({"path": "tiny.ipynb"}) if verb in _BODY_METHODS else None
    response = await client.fetch(
        url,
        method=verb,
        headers=headers,
        body=body,
        raise_error=False,
        follow_redirects=False,
        allow_nonstandard_methods=True,
    )
    return response.code


@pytest.fixture
def nbbridge_routes(jp_serverapp, jp_root_dir, notebooks):
    notebooks.write(jp_root_dir / "tiny.ipynb", *notebooks.PIPELINE)
    routes = [
        (pattern, handler)
        for pattern, handler in registered_handlers(jp_serverapp.web_app.default_router)
        if handler.__module__.split(".")[0] == "nbbridge"
    ]
    # The walk must see at least what the extension declares, or this test proves nothing.
    assert {h for _, h in route_table()} <= {h for _, h in routes}
    return routes


async def test_every_route_and_verb_needs_a_token(
    nbbridge_routes, http_server_client, jp_auth_header
):
    checked = []
    for pattern, handler in nbbridge_routes:
        verbs = nbbridge_verbs(handler)
        assert verbs, f"{handler.__name__} implements no verb"
        for verb in verbs:
            url = example_url(pattern)
            status = await probe(http_server_client, url, verb, {})
            assert status in (401, 403), f"{verb} {url} ({handler.__name__}) answered {status}"
            # With the token the same request gets past authentication: the 403 was the token's.
            authed = await probe(http_server_client, url, verb, jp_auth_header)
            assert authed not in (401, 403), f"{verb} {url} refused even with a token: {authed}"
            checked.append((verb, handler.__name__))
    assert ("POST", "PipelineHandler") in checked
    assert ("POST", "ExportHandler") in checked
    assert ("GET", "VersionHandler") in checked


class _Unguarded(NbbridgeHandler):
    """An nbbridge handler that forgot @authenticated: what the probe must catch."""

    def get(self) -> None:
        self.finish({"leaked": True})

    def post(self) -> None:
        self.finish({"leaked": True})


async def test_the_probe_catches_a_handler_without_authenticated(
    jp_serverapp, http_server_client, jp_base_url
):
    # Guards the guard: the same probe gets 2xx from an unguarded handler, GET and POST.
    url = url_path_join(jp_base_url, "nbbridge-canary")
    jp_serverapp.web_app.add_handlers(".*$", [(url, _Unguarded)])
    found = {h: p for p, h in registered_handlers(jp_serverapp.web_app.default_router)}
    assert _Unguarded in found
    for verb in ("GET", "POST"):
        assert await probe(http_server_client, example_url(found[_Unguarded]), verb, {}) == 200
