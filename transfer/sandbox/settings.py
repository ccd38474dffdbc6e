"""What a sandbox serves: seed, scale, epoch and faults, as one frozen value."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta

#: The sandbox's "today" at epoch 0. Each epoch is one week of editorial work later.
EPOCH_ZERO = datetime(2025, 3, 3, 7, 0, tzinfo=UTC)
EPOCH_LENGTH = timedelta(days=7)

#: Hosts the replicas claim to be. Pages link to these absolute URLs, as the real ones do;
#: crawlers map them onto the loopback address they really fetch from.
ONLINE_SERVICE_HOST = "kotoutuminen.fi"
LEGACY_HOSTS = ("kotouttaminen.fi", "integration.fi")
PLATFORM_HOST = "kumppanuusalusta.kotoutuminen.fi"


@dataclass(frozen=True)
class Faults:
    """Fault knobs, all off by default. Rates are probabilities per response (0..1)."""

    latency_ms: float = 0.0  # fixed delay added to every response
    jitter_ms: float = 0.0  # plus a uniform random 0..jitter_ms
    error_rate: float = 0.0  # 500, 502 or 503
    throttle_rate: float = 0.0  # 429 with Retry-After
    retry_after_s: int = 1
    reset_rate: float = 0.0  # connection closed without an answer
    truncate_rate: float = 0.0  # Content-Length larger than the body sent
    drip_rate: float = 0.0  # body sent in small pieces with pauses
    drip_delay_ms: float = 50.0
    malformed_rate: float = 0.0  # HTML cut mid-tag, unclosed elements
    wrong_charset_rate: float = 0.0  # declared charset differs from the real encoding

    @classmethod
    def parse(cls, spec: str) -> Faults:
        """Parse ``"latency_ms=20,error_rate=0.05"``; an empty spec means no faults."""
        known = {f.name: f.type for f in fields(cls)}
        values: dict[str, float | int] = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            name, sep, raw = part.partition("=")
            name = name.strip().replace("-", "_")
            if not sep or name not in known:
                raise ValueError(
                    f"unknown fault {part!r}; known: {', '.join(sorted(known))} (as name=value)"
                )
            values[name] = int(raw) if name == "retry_after_s" else float(raw)
        return replace(cls(), **values)  # type: ignore[arg-type]

    @property
    def any(self) -> bool:
        return any(
            getattr(self, f.name)
            for f in fields(self)
            if f.name.endswith(("_rate", "_ms")) and f.name != "drip_delay_ms"
        )


#: Variants: other forms the real Liferay sites take, each switched on by name
#: (``--variant a,b``). Off, the sandbox serves its default forms; the extractors must
#: handle both. The sandbox stays generic: a variant is a form, never one site's copy.
VARIANTS: dict[str, str] = {
    "mirror-legacy": "the legacy hosts answer 200 with the same pages instead of redirecting",
    "month-dates": "publication and update stamps with month names (4 September 2023)",
    "time-ranges": "event times as one line of text (8.5.2024 klo 15.45-17.45), no <time>",
    "form-names": "Document Library name segments form-encoded (+ for spaces), no "
    "Content-Disposition",
    "body-emails": "protected e-mail addresses (data-cfemail) inside page bodies",
    "stale-token-downloads": "the platform answers 404 to downloads with an expired token",
    "crawl-delay": "robots.txt asks for a Crawl-delay (0.01 s, to keep test crawls quick)",
    "creator-names": "a post by a deleted account names its author without an id",
}


def parse_variants(spec: str) -> frozenset[str]:
    """Parse ``"month-dates,form-names"``; an empty spec means the default forms."""
    names = frozenset(filter(None, (part.strip() for part in spec.split(","))))
    unknown = sorted(names - VARIANTS.keys())
    if unknown:
        raise ValueError(f"unknown variant {unknown[0]!r}; known: {', '.join(sorted(VARIANTS))}")
    return names


@dataclass(frozen=True)
class SandboxSettings:
    """Everything that determines what the sandbox serves, byte for byte."""

    seed: int = 2025
    scale: float = 1.0  # 1.0 is about the real service's size; 0.02 is a tiny test site
    epoch: int = 0
    faults: Faults = field(default_factory=Faults)
    variants: frozenset[str] = frozenset()  # names of VARIANTS
    #: Lifetime of the platform's OAuth2 tokens; after it, list requests answer empty pages.
    token_lifetime_s: float = 600.0
    #: The platform's export account and OAuth2 client. Rehearsal values, not secrets of any
    #: real system; the exporter still reads them from the environment like real ones.
    platform_username: str = "export-admin@kumppanuusalusta.test"
    platform_password: str = "sandbox-password"  # noqa: S105
    client_id: str = "transfer-export"
    client_secret: str = "sandbox-client-secret"  # noqa: S105

    @property
    def now(self) -> datetime:
        """The sandbox's current time at this epoch (never the wall clock)."""
        return EPOCH_ZERO + self.epoch * EPOCH_LENGTH
