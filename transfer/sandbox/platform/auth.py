"""Who is calling: Basic, OAuth2 bearer tokens, and portal sessions with a CSRF token.

Rules, as the real portal applies them (LIFERAY-API.md §7):

- ``Authorization: Basic`` with the export account's e-mail and password: full access. Any
  other Basic credentials: **401** with ``WWW-Authenticate: Basic realm="PortalRealm"`` and
  an empty body (Liferay's Basic auth verifier challenges invalid credentials, LPS-83769).
- ``Authorization: Bearer`` with a token from ``POST /o/oauth2/token`` (client credentials
  in the form or as Basic): full access until ``token_lifetime_s`` seconds of the injected
  monotonic clock have passed. After that, and for tokens never issued, the caller is an
  unauthenticated guest that *passed* the service access policy: collections answer an
  empty 200 page and single entities 404, never 401 (LPS-159598).
- ``Cookie: JSESSIONID`` of a signed-in session (``/c/portal/login``) plus the session's
  ``p_auth`` token (query parameter, or ``X-CSRF-Token`` header as Liferay's JavaScript
  sends it): full access. A session without the right ``p_auth`` is a guest.
- Neither header: a guest, refused with 403 by the default service access policy.

The portal servlet (downloads) takes Basic, a live bearer token or a signed-in session
cookie (no ``p_auth``); anything else is sent to the sign-in page.
"""

from __future__ import annotations

import base64
import binascii
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from transfer.sandbox.platform.responses import json_response
from transfer.sandbox.platform.rng import token
from transfer.sandbox.platform.serial import encode
from transfer.sandbox.settings import SandboxSettings
from transfer.sandbox.wire import Request, Response

SCOPE = "Liferay.Headless.Admin.User.everything.read Liferay.Headless.Delivery.everything.read"
_LIMIT = 10_000  # tokens and sessions kept; the oldest go first


class Access(Enum):
    FULL = "full"  # the export account
    GUEST = "guest"  # no usable credentials: the API refuses with 403
    EXPIRED = "expired"  # an expired or unknown bearer token: empty lists, 404 entities
    BAD_CREDENTIALS = "bad-credentials"  # wrong Basic user or password: 401


@dataclass
class Session:
    id: str
    p_auth: str
    signed_in: bool = False


def _basic(header: str) -> tuple[str, str] | None:
    try:
        decoded = base64.b64decode(header.split(None, 1)[1], validate=True).decode("utf-8")
    except (IndexError, ValueError, binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def cookie(request: Request, name: str) -> str | None:
    for part in request.header("cookie").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


class Authenticator:
    """Issues tokens and sessions and classifies requests; thread-safe."""

    def __init__(self, settings: SandboxSettings, clock: Callable[[], float]) -> None:
        self._settings = settings
        self._clock = clock
        self._tokens: OrderedDict[str, float] = OrderedDict()
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._issued = 0
        self._lock = threading.Lock()

    # -- classification -------------------------------------------------------------------

    def _password_ok(self, user: str, password: str) -> bool:
        return (
            user.lower() == self._settings.platform_username.lower()
            and password == self._settings.platform_password
        )

    def _token_live(self, value: str) -> bool:
        with self._lock:
            issued = self._tokens.get(value)
        return issued is not None and self._clock() - issued < self._settings.token_lifetime_s

    def api_access(self, request: Request) -> Access:
        """How the headless API treats ``request``."""
        header = request.header("authorization").strip()
        scheme = header.split(None, 1)[0].lower() if header else ""
        if scheme == "basic":
            pair = _basic(header)
            return Access.FULL if pair and self._password_ok(*pair) else Access.BAD_CREDENTIALS
        if scheme == "bearer":
            value = header.split(None, 1)[1].strip() if " " in header else ""
            return Access.FULL if self._token_live(value) else Access.EXPIRED
        session = self.session_of(request)
        if session is not None and session.signed_in:
            sent = request.param("p_auth") or request.header("x-csrf-token")
            if sent == session.p_auth:
                return Access.FULL
        return Access.GUEST

    def portal_access(self, request: Request) -> bool:
        """Whether the portal servlet serves ``request`` as the export account."""
        header = request.header("authorization").strip()
        scheme = header.split(None, 1)[0].lower() if header else ""
        if scheme == "basic":
            pair = _basic(header)
            return bool(pair and self._password_ok(*pair))
        if scheme == "bearer":
            return self._token_live(header.split(None, 1)[1].strip() if " " in header else "")
        session = self.session_of(request)
        return session is not None and session.signed_in

    # -- sessions -------------------------------------------------------------------------

    def session_of(self, request: Request) -> Session | None:
        sid = cookie(request, "JSESSIONID")
        if not sid:
            return None
        with self._lock:
            return self._sessions.get(sid)

    def new_session(self, signed_in: bool = False) -> Session:
        """A fresh session (a new id on sign-in too, against session fixation)."""
        with self._lock:
            self._issued += 1
            sid = token(self._settings.seed, "session", self._issued).upper()
            session = Session(sid, token(self._settings.seed, "p_auth", sid, length=8), signed_in)
            self._sessions[sid] = session
            while len(self._sessions) > _LIMIT:
                self._sessions.popitem(last=False)
        return session

    def sign_in(self, request: Request, login: str, password: str) -> Session | None:
        """The signed-in session for a login form post, or None (bad password or p_auth)."""
        current = self.session_of(request)
        form = request.form()
        sent = form.get("p_auth") or request.param("p_auth")
        if current is None or sent != current.p_auth or not self._password_ok(login, password):
            return None
        with self._lock:
            self._sessions.pop(current.id, None)
        return self.new_session(signed_in=True)

    def sign_out(self, request: Request) -> None:
        session = self.session_of(request)
        if session is not None:
            with self._lock:
                self._sessions.pop(session.id, None)

    # -- OAuth 2 --------------------------------------------------------------------------

    def token_endpoint(self, request: Request) -> Response:
        """``POST /o/oauth2/token`` with the client-credentials grant."""
        if request.method != "POST":
            return _oauth_error(405, "invalid_request")
        form = request.form()
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        header = request.header("authorization")
        if header.lower().startswith("basic"):
            pair = _basic(header)
            if pair:
                client_id, secret = pair
        if form.get("grant_type") != "client_credentials":
            return _oauth_error(
                400, "unsupported_grant_type" if form.get("grant_type") else "invalid_request"
            )
        if client_id != self._settings.client_id or secret != self._settings.client_secret:
            return _oauth_error(401, "invalid_client")
        with self._lock:
            self._issued += 1
            value = token(self._settings.seed, "access-token", self._issued, length=64)
            self._tokens[value] = self._clock()
            while len(self._tokens) > _LIMIT:
                self._tokens.popitem(last=False)
        response = json_response(
            encode(
                {
                    "access_token": value,
                    "expires_in": int(self._settings.token_lifetime_s),
                    "scope": SCOPE,
                    "token_type": "Bearer",
                }
            )
        )
        response.headers.append(("Pragma", "no-cache"))
        return response


def _oauth_error(status: int, error: str) -> Response:
    response = json_response(encode({"error": error}), status)
    if status == 401:
        response.headers.append(("WWW-Authenticate", 'Basic realm="oauth2"'))
    return response
