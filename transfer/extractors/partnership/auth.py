"""Signing in to the platform's headless API: HTTP Basic or an OAuth2 client-credentials token.

Liferay never answers an expired token with 401: list requests quietly return empty 200 pages
and single entities 404 (LIFERAY-API.md §7). So a token is renewed *before* its own
``expires_in`` runs out, and the API layer asks for a renewal whenever an empty answer looks
like expiry (see ``api.py``). Every credential, the Basic header and each token are registered
as secrets, so none of them can reach a log, a report or an exception message.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from transfer.config import SourceSettings
from transfer.errors import ConfigError, ExtractionError
from transfer.extractors.http import FetchFailed, HttpClient, Verdict
from transfer.redaction import Secret, register_secret

TOKEN_PATH = "/o/oauth2/token"  # noqa: S105 (a path, not a password)
# Renew when this share of a token's lifetime is left (at most a minute): a page request
# started just before expiry must still arrive with a live token.
RENEW_SHARE = 0.1
MAX_RENEW_MARGIN_S = 60.0


def _plain(value: Secret | str | None) -> str:
    if value is None:
        return ""
    return value.reveal() if isinstance(value, Secret) else str(value)


@dataclass(frozen=True)
class Credentials:
    """What the export signs in with; ``mode`` is ``oauth2`` or ``basic``."""

    mode: str
    user: str
    secret: str

    @classmethod
    def from_settings(cls, source: SourceSettings) -> Credentials:
        """OAuth2 client credentials when both are set (Liferay's "Headless Server" client),
        else the export account's e-mail and password; a clear error when neither is."""
        client_id, client_secret = _plain(source.client_id), _plain(source.client_secret)
        user, password = _plain(source.username), _plain(source.password)
        for value in (client_id, client_secret, user, password):
            if value:
                register_secret(value)
        if client_id and client_secret:
            return cls("oauth2", client_id, client_secret)
        if user and password:
            return cls("basic", user, password)
        raise ConfigError(
            "no credentials for the Partnership platform",
            where="sources.partnership",
            next_step="set TRANSFER_SOURCES_PARTNERSHIP_CLIENT_ID and _CLIENT_SECRET, or "
            "TRANSFER_SOURCES_PARTNERSHIP_USERNAME and _PASSWORD, in the environment",
        )


def basic_header(user: str, password: str) -> str:
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    register_secret(token)
    return f"Basic {token}"


class Authenticator:
    """Hands out the ``Authorization`` header and renews OAuth2 tokens; thread-safe.

    ``generation`` counts tokens issued, so that threads that saw the same stale token ask
    for one renewal, not one each.
    """

    def __init__(
        self,
        credentials: Credentials,
        client: HttpClient,
        fetch_url: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_renew: Callable[[str, int], None] | None = None,
    ) -> None:
        self.credentials = credentials
        self.client = client
        self.token_url = fetch_url.rstrip("/") + TOKEN_PATH
        self._clock = clock
        self._on_renew = on_renew or (lambda reason, generation: None)
        self._lock = threading.Lock()
        self._header: str | None = None
        self._renew_at: float | None = None
        self.generation = 0
        self.renewals: dict[str, int] = {}
        if credentials.mode == "basic":
            self._header = basic_header(credentials.user, credentials.secret)

    @property
    def can_expire(self) -> bool:
        """Whether an empty answer may mean "your token ran out" (bearer tokens only)."""
        return self.credentials.mode == "oauth2"

    def header(self) -> dict[str, str]:
        """The ``Authorization`` header to send now (a fresh token when the old one is due)."""
        with self._lock:
            due = self._renew_at is not None and self._clock() >= self._renew_at
            if self._header is None or (self.can_expire and due):
                self._fetch_token("expires_in" if self._header else "first")
            assert self._header is not None
            return {"Authorization": self._header}

    def current(self) -> int:
        """The generation of the token requests get now (fetching the first one if needed):
        read it before a request, and hand it to :meth:`renew` if the answer looks stale."""
        self.header()
        return self.generation

    def renew(self, reason: str, seen_generation: int) -> None:
        """Get a new token because of ``reason``, unless another thread already did since
        ``seen_generation``. A no-op for Basic credentials, which do not expire."""
        if not self.can_expire:
            return
        with self._lock:
            if self.generation == seen_generation:
                self._fetch_token(reason)

    def _fetch_token(self, reason: str) -> None:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.credentials.user,
            "client_secret": self.credentials.secret,
        }
        started = self._clock()
        try:
            result = self.client.get(
                self.token_url, method="POST", data=form, headers={"Accept": "application/json"}
            )
        except FetchFailed as exc:
            raise ExtractionError(
                f"the OAuth2 token request failed: {exc.reason}",
                where=self.token_url,
                next_step="check that the platform answers, then run the same command again",
            ) from None
        if result.verdict is not Verdict.OK:
            raise ExtractionError(
                f"the platform refused the OAuth2 client credentials (HTTP {result.status})",
                where=self.token_url,
                next_step="check TRANSFER_SOURCES_PARTNERSHIP_CLIENT_ID and _CLIENT_SECRET "
                "(a Headless Server client with the Client Credentials grant)",
            )
        try:
            answer = json.loads(result.body)
            token = str(answer["access_token"])
        except (ValueError, KeyError, TypeError):
            raise ExtractionError(
                "the OAuth2 token answer holds no access_token",
                where=self.token_url,
                next_step="check that the address is the platform",
            ) from None
        register_secret(token)
        lifetime = answer.get("expires_in")
        self._header = f"Bearer {token}"
        self._renew_at = None
        # expires_in of 0 or less says nothing usable: then only the empty-answer checks renew.
        if isinstance(lifetime, int | float) and lifetime > 0:
            margin = min(MAX_RENEW_MARGIN_S, RENEW_SHARE * float(lifetime))
            self._renew_at = started + float(lifetime) - margin
        self.generation += 1
        self.renewals[reason] = self.renewals.get(reason, 0) + 1
        self._on_renew(reason, self.generation)
