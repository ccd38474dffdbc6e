"""Turns requests into responses for one built site; renders lazily and caches bounded."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from transfer.sandbox.settings import ONLINE_SERVICE_HOST, PLATFORM_HOST
from transfer.sandbox.wire import Request, Response

from .cache import LRU
from .context import HOST_URL, Index, listing_view, page_context
from .documents import make_docx, make_pdf, make_xlsx
from .furniture import Furniture, furniture
from .images import make_jpeg, make_png
from .labels import HTML_LANG, LABELS
from .model import Attachment, Page, Site, base_lang
from .render import PUBLISHER, environment, render_not_found, render_page, render_search
from .routes import claims, locate, normal_host
from .search import DEFAULT_NUM, SEARCH_PATHS, SearchIndex
from .seeding import body_etag
from .sitemap import ROBOTS, ROBOTS_WITH_DELAY, sitemap, sitemap_index, sitemap_language
from .skeleton import FIXED_EDITED
from .structure import DEFAULT_DELTA
from .theme import ASSETS

_MAKERS = {
    "pdf": make_pdf,
    "docx": make_docx,
    "xlsx": make_xlsx,
    "png": make_png,
    "jpeg": make_jpeg,
}
#: A delta above this is treated as this (Liferay caps page sizes too).
MAX_DELTA = 1000


def attachment_bytes(seed: int, item: Attachment) -> bytes:
    """The file's bytes at its current revision."""
    return _MAKERS[item.media](seed, item)


def _int(text: str, default: int) -> int:
    try:
        return int(text)
    except ValueError:
        return default


class SiteHandler:
    """Answers requests for one site (one seed, scale and epoch)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.index = Index.of(site)
        self.env = environment()
        self.furniture: dict[str, Furniture] = {
            lang: furniture(site, lang) for lang in ("fi", "sv", "en")
        }
        self.pages: LRU[bytes] = LRU(4096, 96 << 20, len)
        self.files: LRU[bytes] = LRU(512, 64 << 20, len)
        self._search: SearchIndex | None = None

    def handle(self, request: Request) -> Response | None:
        """The response to a request; ``None`` for the Partnership platform's host."""
        host = request.header("host")
        if normal_host(host) == PLATFORM_HOST:
            return None
        if not claims(host):
            # each replica has its own port, so any other name (a test host, a proxy's
            # name) is this replica's own host
            host = ONLINE_SERVICE_HOST
        if request.method not in ("GET", "HEAD"):
            return Response(status=405, body=b"", headers=[("Allow", "GET, HEAD")], cacheable=False)
        located = locate(self.site, host, request.path)
        if located.kind == "redirect" and located.location:
            return Response.redirect(located.location + self._query_tail(request))
        if located.kind == "page" and located.pid is not None:
            return self._page(self.site.pages[located.pid], request)
        if located.kind == "attachment" and located.aid is not None:
            return self._file(self.site.attachments[located.aid])
        if located.kind == "service":
            return self._service(request)
        return self._missing(request.path)

    @staticmethod
    def _query_tail(request: Request) -> str:
        """Liferay keeps the query string when it redirects an old friendly URL."""
        _, sep, query = request.raw_path.partition("?")
        return f"?{query}" if sep and query else ""

    def html(self, body: bytes, modified: datetime, lang: str) -> Response:
        return Response(
            body=body,
            etag=body_etag(body),
            last_modified=modified,
            headers=[("Content-Language", HTML_LANG[lang])],
        )

    def render(self, page: Page) -> bytes:
        """The page's HTML (first page of a listing), cached."""

        def make() -> bytes:
            ctx = page_context(self.index, page)
            return render_page(self.env, self.furniture[ctx["lang"]], self.site.seed, ctx)

        return self.pages.get(("page", page.pid), make)

    def _page(self, page: Page, request: Request) -> Response:
        lang = base_lang(page.lang)
        if page.listing is not None:
            ns = f"_{PUBLISHER}{listing_view(self.index, page, 1, 1)['instance']}_"
            cur_text, delta_text = request.param(f"{ns}cur"), request.param(f"{ns}delta")
            if cur_text or delta_text:
                default = DEFAULT_DELTA[page.listing]
                cur = _int(cur_text, 1)
                delta = min(MAX_DELTA, max(1, _int(delta_text, default)))

                def make() -> bytes:
                    ctx = page_context(self.index, page)
                    view = listing_view(self.index, page, cur, delta)
                    return render_page(self.env, self.furniture[lang], self.site.seed, ctx, view)

                body = self.pages.get(("view", page.pid, cur, delta), make)
                return self.html(body, page.modified, lang)
        return self.html(self.render(page), page.modified, lang)

    def file_bytes(self, item: Attachment) -> bytes:
        return self.files.get(
            (item.aid, item.revision), lambda: attachment_bytes(self.site.seed, item)
        )

    def _file(self, item: Attachment) -> Response:
        body = self.file_bytes(item)
        disposition = f"inline; filename*=UTF-8''{quote(item.file_name)}"
        return Response(
            body=body,
            content_type=item.media_type,
            etag=body_etag(body),
            last_modified=item.modified,
            # the form-encoded variant gives the name only in the URL
            headers=[] if item.form_encoded else [("Content-Disposition", disposition)],
        )

    def _service(self, request: Request) -> Response:
        path = request.path
        if path == "/robots.txt":
            robots = ROBOTS_WITH_DELAY if "crawl-delay" in self.site.variants else ROBOTS
            return Response(
                body=robots,
                content_type="text/plain; charset=utf-8",
                etag=body_etag(robots),
                last_modified=FIXED_EDITED,
            )
        if path == "/sitemap.xml":
            lang = sitemap_language(request.param("languageId"))
            body = sitemap(self.site, lang) if lang else sitemap_index()
            newest = max(page.modified for page in self.site.pages.values())
            return Response(
                body=body,
                content_type="application/xml; charset=utf-8",
                etag=body_etag(body),
                last_modified=newest,
            )
        if path in SEARCH_PATHS:
            return self._search_page(request)
        content_type, body = ASSETS[path]
        return Response(
            body=body, content_type=content_type, etag=body_etag(body), last_modified=FIXED_EDITED
        )

    def _search_page(self, request: Request) -> Response:
        if self._search is None:
            self._search = SearchIndex(self.site)
        lang = SEARCH_PATHS[request.path] or "fi"
        query = request.param("q").strip()
        results = self._search.search(
            request.path,
            query,
            _int(request.param("start"), 0),
            _int(request.param("num"), DEFAULT_NUM),
        )
        rows = results.rows
        next_href = HOST_URL + results.next_href if results.next_href else None
        body = render_search(
            self.env,
            self.furniture[lang],
            LABELS[lang]["results"],
            query,
            rows,
            results.total,
            next_href,
        )
        return Response(body=body, cacheable=False)

    def _missing(self, path: str) -> Response:
        lang = "sv" if path.startswith("/sv/") else "en" if path.startswith("/en/") else "fi"
        return Response.not_found(render_not_found(self.env, self.furniture[lang], path))
