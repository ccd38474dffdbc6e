"""The replica's content model: pages, attachments, people and the site that holds them.

A :class:`Site` is built once per :class:`~transfer.sandbox.settings.SandboxSettings` and then
only read; body text is not stored but regenerated from ``(seed, pid, revision)`` on demand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from urllib.parse import quote, quote_plus

from .clock import helsinki, utc_ms
from .labels import PREFIX

#: Page kinds, as ``truth()`` reports them.
KINDS = (
    "front",
    "landing",
    "listing",
    "topic",
    "news",
    "blog",
    "event",
    "handbook",
    "faq",
    "glossary",
)
#: Page languages; easy Finnish is its own language tag.
SELKO = "fi-x-selko"
PAGE_LANGS = ("fi", "sv", "en", SELKO)
#: The Liferay site's group id and the Document Library folders of its files.
GROUP_ID = 20126
FOLDERS = (0, 38120, 38155, 41290, 52017, 60388)
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpeg": "image/jpeg",
}


@lru_cache(maxsize=8192)
def _quoted(name: str) -> str:
    return quote(name)


@lru_cache(maxsize=8192)
def _form_quoted(name: str) -> str:
    return quote_plus(name)


def base_lang(lang: str) -> str:
    """``fi``, ``sv`` or ``en``: the language whose furniture a page uses."""
    return "fi" if lang == SELKO else lang


@dataclass(frozen=True)
class Link:
    """A link written into a page body: the href exactly as written, and its text."""

    href: str
    text: str


@dataclass(frozen=True)
class Person:
    """A fictional contact person."""

    given: str
    family: str
    title: int  # index into vocabulary.JOB_TITLES
    phone: str
    email: str

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"


@dataclass(frozen=True)
class EventInfo:
    """The practical details of an event."""

    start: datetime
    end: datetime
    organiser: str
    place: str | None
    online_url: str | None
    registration: str | None


@dataclass
class Attachment:
    """A Document Library file; its bytes derive from ``(seed, aid, revision)``."""

    aid: int
    uuid: str
    folder_id: int
    file_name: str
    media: str  # a key of MEDIA_TYPES
    title: str
    lang: str
    topic: int
    modified: datetime
    revision: int = 0
    large: bool = False
    publication: str | None = None  # the language of the publications list that lists it
    year: int = 2024
    #: The name segment form-encoded (``+`` for a space), as some Liferay versions write it.
    form_encoded: bool = False

    @property
    def path(self) -> str:
        """The canonical path, without ``?t=``."""
        name = _form_quoted(self.file_name) if self.form_encoded else _quoted(self.file_name)
        return f"/documents/{GROUP_ID}/{self.folder_id}/{name}/{self.uuid}"

    @property
    def t(self) -> int:
        return utc_ms(self.modified)

    @property
    def href(self) -> str:
        """The path with the current ``t``, as Liferay writes it today."""
        return f"{self.path}?t={self.t}"

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.media]


@dataclass
class Page:
    """One page of the site in one language."""

    pid: int
    kind: str
    lang: str
    slug: str
    title: str
    group: int
    section: str
    topic: int
    modified: datetime
    parent: int | None = None
    published: datetime | None = None
    updated: datetime | None = None
    published_en: datetime | None = None
    revision: int = 0
    links: list[Link] = field(default_factory=list)
    attachments: list[int] = field(default_factory=list)
    image: int | None = None
    contacts: list[int] = field(default_factory=list)
    event: EventInfo | None = None
    handbook: str | None = None
    chapter: str | None = None
    listing: str | None = None
    frozen_target: int | None = None
    outdated: bool = False
    hostile: bool = False
    in_sitemap: bool = True
    orphan: bool = False
    mangled: bool = False
    protected: bool = False
    selko_pair: int | None = None
    author: int | None = None
    #: hreflang claims that disagree with the translation group (lang -> pid); an empty
    #: dict means the page announces no alternates at all (a one-sided pairing).
    alt_override: dict[str, int] | None = None

    @property
    def path(self) -> str:
        prefix = PREFIX[base_lang(self.lang)]
        if self.kind == "front":
            return prefix or "/"
        if self.kind == "news":
            return f"{prefix}/-/{self.slug}"
        if self.kind == "blog":
            return f"/blogi/-/blogs/{self.slug}"
        if self.kind == "event" and self.event is not None:
            return f"/tapahtumat/{helsinki(self.event.start).date().isoformat()}/{self.slug}"
        return f"{prefix}/{self.slug}"


@dataclass
class Skeleton:
    """Pids of the fixed pages, by (key, language)."""

    front: dict[str, int] = field(default_factory=dict)
    landing: dict[tuple[str, str], int] = field(default_factory=dict)
    listing: dict[tuple[str, str], int] = field(default_factory=dict)
    footer: dict[tuple[str, str], int] = field(default_factory=dict)
    glossary: dict[str, int] = field(default_factory=dict)


@dataclass
class Site:
    """Everything the replica serves at one epoch."""

    seed: int
    scale: float
    skeleton: Skeleton = field(default_factory=Skeleton)
    #: names of the sandbox variants it serves (transfer.sandbox.settings.VARIANTS)
    variants: frozenset[str] = frozenset()
    pages: dict[int, Page] = field(default_factory=dict)
    by_path: dict[str, int] = field(default_factory=dict)
    #: translation group -> language -> pid (fi, sv, en only)
    groups: dict[int, dict[str, int]] = field(default_factory=dict)
    #: old friendly URLs of live pages (Liferay's friendly URL history): path -> pid
    history: dict[str, int] = field(default_factory=dict)
    #: hand-made redirects (path -> path), which may chain into the history
    manual_redirects: dict[str, str] = field(default_factory=dict)
    #: paths that exist only on the legacy hosts, and the page they now lead to
    legacy_only: dict[str, int] = field(default_factory=dict)
    #: paths linked on purpose although they never existed
    broken: list[str] = field(default_factory=list)
    attachments: dict[int, Attachment] = field(default_factory=dict)
    by_uuid: dict[str, int] = field(default_factory=dict)
    people: list[Person] = field(default_factory=list)
    used_paths: set[str] = field(default_factory=set)
    changes: list[dict[str, object]] = field(default_factory=list)
    next_pid: int = 1
    next_aid: int = 1
    next_group: int = 1

    def new_pid(self) -> int:
        self.next_pid += 1
        return self.next_pid - 1

    def new_group(self) -> int:
        self.next_group += 1
        return self.next_group - 1

    def free_slug(self, page_path_of: str, slug: str) -> str:
        """``slug`` or, as Liferay does for a taken friendly URL, ``slug-1``, ``slug-2``..."""
        candidate, n = slug, 0
        while page_path_of.replace("{slug}", candidate) in self.used_paths:
            n += 1
            candidate = f"{slug}-{n}"
        return candidate

    def add(self, page: Page) -> Page:
        """Register a new live page under its path and translation group."""
        path = page.path
        if path in self.used_paths:
            raise ValueError(f"path {path} is already used; pick a free slug first")
        self.pages[page.pid] = page
        self.by_path[path] = page.pid
        self.used_paths.add(path)
        if page.lang != SELKO:
            self.groups.setdefault(page.group, {})[page.lang] = page.pid
        return page

    def move(self, page: Page, slug: str) -> tuple[str, str]:
        """Give a page a new slug; its old path keeps redirecting to it."""
        old = page.path
        del self.by_path[old]
        page.slug = slug
        new = page.path
        self.by_path[new] = page.pid
        self.used_paths.add(new)
        self.history[old] = page.pid
        return old, new

    def delete(self, page: Page) -> str:
        """Remove a page; its path and its old paths answer 404 from now on."""
        path = page.path
        del self.by_path[path]
        del self.pages[page.pid]
        for old in [old for old, pid in self.history.items() if pid == page.pid]:
            del self.history[old]
        members = self.groups.get(page.group, {})
        if members.get(page.lang) == page.pid:
            del members[page.lang]
        return path

    def translations(self, page: Page) -> dict[str, Page]:
        """The live members of the page's translation group, by language (itself included)."""
        if page.lang == SELKO:
            return {}
        members = self.groups.get(page.group, {})
        return {lang: self.pages[pid] for lang, pid in sorted(members.items())}

    def page_at(self, path: str) -> Page | None:
        pid = self.by_path.get(path)
        return None if pid is None else self.pages[pid]
