"""Translation groups: the language versions of one piece of content, from hreflang links.

Slugs differ per language, so pages pair up only through their language switchers
(``fields.translations``: hreflang and URL) and the easy-Finnish link
(``fields.easy_language``). A link A → B joins A and B into one group when B links back
to A (mutual), or when B says nothing for A's language (one-sided: joined and reported).
When B names another page C for A's language the link is conflicting and reported: it is
not followed when C links back to B (B and C agree), and followed when C does not (B's
own link is the wrong one). Groups never hold two pages of one language; a group that
would is split into its mutually linked parts (and reported), never merged by guessing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from transfer.mappers.text import language_code

#: Order of languages when a group has no Finnish page (the key page is the first).
LANGUAGE_ORDER = ("fi", "sv", "en", "fi-x-selko")


@dataclass(frozen=True)
class Page:
    """What grouping needs of one page record."""

    key: str
    language: str
    claims: tuple[tuple[str, str], ...] = ()  # (language, page key) the page links to


@dataclass(frozen=True)
class Issue:
    """A translation link that could not be followed as written."""

    page: str
    kind: str  # one-sided, conflicting, unknown-target, wrong-language, same-language
    language: str
    target: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {
            "page": self.page,
            "kind": self.kind,
            "language": self.language,
            "target": self.target,
            "detail": self.detail,
        }


@dataclass
class Groups:
    """Every page's group key, and the issues found on the way."""

    key_of: dict[str, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    def members(self) -> dict[str, list[str]]:
        """Group key → member page keys (sorted)."""
        out: dict[str, list[str]] = {}
        for page, group in sorted(self.key_of.items()):
            out.setdefault(group, []).append(page)
        return out


def page_claims(
    translations: object, easy_link: object, language: str, resolve: Callable[[str], str | None]
) -> tuple[tuple[str, str], ...]:
    """The (language, page key) claims of a page's language switcher and easy-Finnish link.

    ``resolve`` turns an href into a page key (None for what is not a page of the site).
    An easy-Finnish page's easy link names its standard Finnish page and vice versa.
    """
    claims: list[tuple[str, str]] = []
    if isinstance(translations, list):
        for entry in translations:
            if not isinstance(entry, dict):
                continue
            code = language_code(str(entry.get("hreflang") or ""))
            target = resolve(str(entry.get("url") or ""))
            if code is not None and target is not None:
                claims.append((code, target))
    if isinstance(easy_link, str) and easy_link:
        target = resolve(easy_link)
        if target is not None:
            claims.append(("fi" if language == "fi-x-selko" else "fi-x-selko", target))
    return tuple(dict.fromkeys(claims))


def group_pages(pages: Iterable[Page]) -> Groups:
    """Group pages into translation groups (see the module docstring for the rules).

    The group key is the Finnish page's key, else the first page in :data:`LANGUAGE_ORDER`,
    then by key: the same input always gives the same groups and keys.
    """
    by_key = {page.key: page for page in pages}
    groups = Groups()
    parent = {key: key for key in by_key}
    mutual: list[tuple[str, str]] = []

    def find(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for key in sorted(by_key):
        page = by_key[key]
        for language, target_key in page.claims:
            if target_key == key:
                continue
            target = by_key.get(target_key)
            if target is None:
                groups.issues.append(
                    Issue(key, "unknown-target", language, target_key, "not a page of the site")
                )
                continue
            if target.language != language:
                groups.issues.append(
                    Issue(key, "wrong-language", language, target_key, f"it is {target.language}")
                )
                continue
            if target.language == page.language:
                groups.issues.append(
                    Issue(key, "same-language", language, target_key, "both pages are one language")
                )
                continue
            back = [t for lang, t in target.claims if lang == page.language]
            if key in back:
                union(key, target_key)
                mutual.append((key, target_key))
            elif not back:
                union(key, target_key)
                groups.issues.append(
                    Issue(key, "one-sided", language, target_key, "the target does not link back")
                )
            elif not any(_claims(by_key.get(other), target.language, target_key) for other in back):
                # The target's own claim is answered by nobody: it is the wrong link, not ours.
                union(key, target_key)
                groups.issues.append(
                    Issue(
                        key,
                        "conflicting",
                        language,
                        target_key,
                        f"the target names {', '.join(sorted(back))} for {page.language}, "
                        "which does not link back; followed this page's link",
                    )
                )
            else:
                groups.issues.append(
                    Issue(
                        key,
                        "conflicting",
                        language,
                        target_key,
                        f"the target names {', '.join(sorted(back))} for {page.language}",
                    )
                )
    components: dict[str, list[str]] = {}
    for key in by_key:
        components.setdefault(find(key), []).append(key)
    for members in components.values():
        for part in _split_if_ambiguous(members, by_key, mutual, groups):
            group_key = _group_key(part, by_key)
            for member in part:
                groups.key_of[member] = group_key
    return groups


def _split_if_ambiguous(
    members: list[str], by_key: dict[str, Page], mutual: list[tuple[str, str]], groups: Groups
) -> list[list[str]]:
    languages = [by_key[m].language for m in members]
    if len(set(languages)) == len(languages):
        return [members]
    # Two pages of one language in one group: keep only mutual links, then single pages.
    inside = set(members)
    parent = {m: m for m in members}

    def find(key: str) -> str:
        while parent[key] != key:
            key = parent[key]
        return key

    for a, b in mutual:
        if a in inside and b in inside:
            parent[max(find(a), find(b))] = min(find(a), find(b))
    parts: dict[str, list[str]] = {}
    for member in sorted(members):
        parts.setdefault(find(member), []).append(member)
    out: list[list[str]] = []
    for part in parts.values():
        langs = [by_key[m].language for m in part]
        out.extend([part] if len(set(langs)) == len(langs) else [[m] for m in part])
    first = sorted(members)[0]
    groups.issues.append(
        Issue(
            first,
            "ambiguous-group",
            "",
            " ".join(sorted(members)),
            "links join two pages of one language; kept apart",
        )
    )
    return out


def _group_key(members: list[str], by_key: dict[str, Page]) -> str:
    def order(key: str) -> tuple[int, str]:
        language = by_key[key].language
        rank = LANGUAGE_ORDER.index(language) if language in LANGUAGE_ORDER else 99
        return rank, key

    return min(members, key=order)


def _claims(page: Page | None, language: str, target: str) -> bool:
    """Whether ``page`` names ``target`` as its ``language`` version."""
    return page is not None and (language, target) in page.claims
