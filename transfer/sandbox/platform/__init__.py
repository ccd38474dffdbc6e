"""The Partnership-platform replica: a Liferay DXP 7.4 members' site, generated from a seed.

:class:`Platform` serves, for the host ``kumppanuusalusta.kotoutuminen.fi``:

- the headless REST API under ``/o/headless-admin-user/v1.0`` (organisations, members,
  workspaces = sites, roles) and ``/o/headless-delivery/v1.0`` (discussions = message
  boards, files = documents), with Liferay's paging, filtering, localisation, auth and error
  behaviour (see ``paths.py`` for the paths and ``auth.py`` for the access rules);
- ``POST /o/oauth2/token`` (client credentials);
- document downloads through the portal servlet (``/documents/...``, see ``downloads.py``);
- the sign-in page ``/c/portal/login`` and sign-out ``/c/portal/logout``;
- the public pages (about, terms, privacy) in fi, ``/sv/`` and ``/en/``, ``robots.txt`` and
  ``sitemap.xml``.

Everything is a function of :class:`~transfer.sandbox.settings.SandboxSettings`, except OAuth
token expiry, which follows the injected monotonic ``clock``. ``truth()`` describes it all
(keys in ``truth.py``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from transfer.sandbox.platform import downloads, pages, signin
from transfer.sandbox.platform.auth import Authenticator
from transfer.sandbox.platform.build import build_world
from transfer.sandbox.platform.files import FileStore
from transfer.sandbox.platform.routes import Api
from transfer.sandbox.platform.truth import truth
from transfer.sandbox.settings import (
    LEGACY_HOSTS,
    ONLINE_SERVICE_HOST,
    PLATFORM_HOST,
    SandboxSettings,
)
from transfer.sandbox.wire import Request, Response

__all__ = ["Platform"]

_OTHER_HOSTS = {ONLINE_SERVICE_HOST, *LEGACY_HOSTS}


class Platform:
    """The replica of the Partnership platform (implements ``wire.Replica``)."""

    host = PLATFORM_HOST

    def __init__(
        self, settings: SandboxSettings, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.settings = settings
        self.world = build_world(settings)
        self.files = FileStore(settings.seed)
        self.auth = Authenticator(settings, clock)
        self.api = Api(self.world, self.files, self.auth)
        self._truth: dict[str, Any] | None = None
        self._truth_lock = threading.Lock()

    def handle(self, request: Request) -> Response | None:
        """Answer ``request``; ``None`` when it is addressed to another replica's host.

        Requests without a Host header, or for a loopback address, are the platform's: the
        sandbox serves each replica on its own port.
        """
        host = request.header("host").rsplit(":", 1)[0].strip("[]").lower()
        if host in _OTHER_HOSTS:
            return None
        path = request.path
        if path == "/o/oauth2/token":
            return self.auth.token_endpoint(request)
        if path.startswith("/o/"):
            return self.api.handle(request)
        if path.startswith("/documents/"):
            return downloads.download(
                self.world,
                self.files,
                self.auth,
                request,
                stale_token_404="stale-token-downloads" in self.settings.variants,
            )
        if path == "/c/portal/login":
            return signin.login(self.auth, request)
        if path == "/c/portal/logout":
            return signin.logout(self.auth, request)
        if path == "/robots.txt":
            return pages.robots()
        if path == "/sitemap.xml":
            return pages.sitemap()
        if path in ("/sv", "/en"):
            return Response.redirect(path + "/")
        found = pages.find(path)
        if found is None:
            return pages.not_found_page()
        session = self.auth.session_of(request)
        token = session.p_auth if session is not None and session.signed_in else None
        return pages.public_page(*found, auth_token=token)

    def truth(self) -> dict[str, Any]:
        """Ground truth of everything served (keys documented in ``truth.py``)."""
        with self._truth_lock:
            if self._truth is None:
                self._truth = truth(self.settings, self.world, self.files)
            return self._truth
