"""The online-service replica: a generated, deterministic imitation of kotoutuminen.fi.

:class:`OnlineService` implements the sandbox's ``Replica`` protocol. It answers for the host
``kotoutuminen.fi`` (and ``www.``, loopback names and an empty Host) and for the legacy hosts
``kotouttaminen.fi`` and ``integration.fi``, which redirect. Everything it serves derives
from the settings' (seed, scale, epoch); the same settings give byte-identical responses in
any process.

Languages in the truth: ``fi``, ``sv``, ``en`` and ``fi-x-selko`` (easy Finnish: separate
Finnish pages whose slug ends in ``-selkosuomi``).

``truth()`` returns a JSON-serialisable dict with these keys:

``settings``
    seed, scale, epoch, ``variants`` (names switched on) and ``now`` (ISO 8601).
``host``, ``languages``
    the canonical host and the language codes above.
``pages``
    every canonical page that answers 200, sorted by path: ``url`` (absolute, canonical),
    ``path``, ``kind`` (front, landing, listing, topic, news, blog, event, handbook, faq,
    glossary), ``language``, ``group`` (translation group id; an easy-Finnish page shares its
    standard page's group), ``title``, ``section``, ``handbook`` and ``chapter`` (handbook
    chapters), ``parent`` (breadcrumb parent url), ``published``, ``updated`` (the visible
    update stamp), ``published_en``, ``modified`` (Last-Modified and sitemap lastmod) as ISO
    8601 with the Helsinki offset or null; ``flags`` {frozen, outdated, hostile, in_sitemap,
    only_via_links (= not in the sitemap: events and orphans), orphan (reachable only through
    body links), slug_mangled}; ``frozen_target``, ``easy_pair``, ``alternates`` (hreflang ->
    url exactly as the page announces them, {} when it announces none), ``contacts`` [{name,
    email}], ``body_emails`` (addresses protected in the body: variant ``body-emails``),
    ``author``, ``event`` {start, end, organiser, place, online_url, registration},
    ``hostile_markup``, ``attachments`` (canonical file urls without ``t`` the page shows or
    links), ``links`` [{href as written in the body, scope (internal, legacy, external,
    script, fragment), target (final canonical url or null), status (200, 404 or null for
    external), hops (redirects followed)}].
``attachments``
    every Document Library file: ``url`` (canonical, without ``t``), ``href`` (with the
    current ``t``), ``uuid``, ``file_name``, ``title``, ``language``, ``media_type``, ``size``,
    ``sha256``, ``modified``, ``t``, ``publication`` (language of the publications list that
    lists it, or null), ``large``, ``referenced_by`` (page urls).
``redirects``
    [{from (absolute, possibly on a legacy host), to (final canonical url or null), status,
    hops (every Location followed), reason (moved, manual, legacy-only)}]. Besides these,
    any path on a legacy host redirects to the same path on kotoutuminen.fi, and a page path
    with a trailing slash redirects to the path without it.
``broken_links``
    [{url, reason (deliberate, or gone: the target was deleted in an epoch), linked_from
    [{page, href}]}].
``legacy_links``
    body links on a legacy host: [{href, page, target, hops}].
``conflicting_translations``
    [{page, type (conflicting: it names a wrong page for a language; one-sided: it names no
    alternates though its translations name it), claims (what it announces), group (the true
    translations)}].
``easy_finnish_pairs``
    [{standard, easy}].
``listings``
    {news|blog|events|publications: {lang: {url, portlet_id, default_delta, items (urls in
    listing order)}}}.
``search_paths``, ``sitemaps``
    the search endpoints and the sitemap index and per-language sitemap urls.
``changes``
    per editorial round: {round, time, added, edited, refreshed (bytes changed because
    something shown changed: listing, translation url, attachment ``t``), deleted, moved
    [{from, to}], attachments_changed, attachments_added}, urls absolute.
``counts``
    {by_kind: {kind: {language: n}}, by_language, pages, attachments}.
"""

from __future__ import annotations

import hashlib
import threading

from transfer.sandbox.settings import SandboxSettings
from transfer.sandbox.wire import Request, Response

from .builder import build_epoch_zero
from .epochs import apply_rounds
from .handler import SiteHandler
from .model import Attachment
from .truth import Json, build_truth

__all__ = ["OnlineService"]


class OnlineService:
    """The kotoutuminen.fi replica for one (seed, scale, epoch)."""

    def __init__(self, settings: SandboxSettings) -> None:
        self.settings = settings
        site = build_epoch_zero(settings.seed, settings.scale, settings.variants)
        apply_rounds(site, settings.epoch)
        self.site = site
        self._handler = SiteHandler(site)
        self._digests: dict[tuple[int, int], tuple[int, str]] = {}
        self._lock = threading.Lock()

    def handle(self, request: Request) -> Response | None:
        """The response to a request on one of this replica's hosts; ``None`` otherwise."""
        return self._handler.handle(request)

    def _digest(self, item: Attachment) -> tuple[int, str]:
        key = (item.aid, item.revision)
        with self._lock:
            known = self._digests.get(key)
        if known is None:
            data = self._handler.file_bytes(item)
            known = (len(data), hashlib.sha256(data).hexdigest())
            with self._lock:
                self._digests[key] = known
        return known

    def truth(self) -> Json:
        """Everything this replica serves (keys documented in the module docstring)."""
        return build_truth(self.site, self.settings, self._digest)
