"""Decode e-mail addresses hidden by a CDN's e-mail protection (``data-cfemail``).

The hex string is a key byte followed by the address's bytes, each XOR-ed with the key.
In served HTML the protection takes three forms, all decoded by
:func:`decode_protected_emails`:

- ``<a href="/cdn-cgi/l/email-protection#HEX">…</a>``: a ``mailto:`` link in disguise;
- ``<a class="__cf_email__" href="/cdn-cgi/l/email-protection" data-cfemail="HEX">
  [email protected]</a>``: the address as the link's text;
- ``<span class="__cf_email__" data-cfemail="HEX">[email protected]</span>``: the address
  as plain text (inside a disguised link or on its own).
"""

from __future__ import annotations

import re

from lxml import etree

#: The protection's fixed path on every site behind the CDN (not a fact of one site).
PROTECTION_PATH = "/cdn-cgi/l/email-protection"
PLACEHOLDER = "[email protected]"
_HEX = re.compile(r"#([0-9a-fA-F]{4,})")
_CF_CLASS = "__cf_email__"


def decode_cfemail(hex_text: str) -> str | None:
    """The address behind a ``data-cfemail`` value, or None when it is not well formed."""
    try:
        raw = bytes.fromhex(hex_text.strip())
    except ValueError:
        return None
    if len(raw) < 2:
        return None
    key = raw[0]
    try:
        return bytes(byte ^ key for byte in raw[1:]).decode("utf-8")
    except UnicodeDecodeError:
        return None


def encode_cfemail(address: str, key: int) -> str:
    """The ``data-cfemail`` form of ``address`` (used by the sandbox and by tests)."""
    return bytes([key, *(byte ^ key for byte in address.encode("utf-8"))]).hex()


def is_protection_link(href: str) -> bool:
    """Whether ``href`` points at the CDN's e-mail protection page (never a real page)."""
    return PROTECTION_PATH in href


def _address(hex_text: str | None) -> str | None:
    address = decode_cfemail(hex_text) if hex_text else None
    return address if address and "@" in address else None


def href_address(href: str) -> str | None:
    """The address a protection link's ``#HEX`` fragment hides, or None."""
    if not is_protection_link(href):
        return None
    found = _HEX.search(href.split(PROTECTION_PATH, 1)[1])
    return _address(found.group(1)) if found else None


def _replace_with_text(element: etree._Element, text: str) -> None:
    parent = element.getparent()
    if parent is None:
        return
    combined = text + (element.tail or "")
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + combined
    else:
        parent.text = (parent.text or "") + combined
    parent.remove(element)


def _clean(element: etree._Element) -> None:
    if "data-cfemail" in element.attrib:
        del element.attrib["data-cfemail"]
    classes = [c for c in (element.get("class") or "").split() if c != _CF_CLASS]
    if classes:
        element.set("class", " ".join(classes))
    elif "class" in element.attrib:
        del element.attrib["class"]


def _set_text(element: etree._Element, text: str) -> None:
    for child in list(element):
        element.remove(child)
    element.text = text


def _elements(root: etree._Element, xpath: str) -> list[etree._Element]:
    found = root.xpath(xpath)
    return [e for e in found if isinstance(e, etree._Element)] if isinstance(found, list) else []


def decode_protected_emails(root: etree._Element) -> int:
    """Turn every protected address under ``root`` (in place) into a real ``mailto:`` link
    whose text is the address (a link's own wording is kept when it is not the
    placeholder); returns how many were decoded. Undecodable ones are left as they are."""
    decoded = 0
    for link in list(root.iter("a")):
        href = link.get("href") or ""
        if not is_protection_link(href) and link.get("data-cfemail") is None:
            continue
        inner = _elements(link, ".//*[@data-cfemail]")
        address = (
            href_address(href)
            or _address(link.get("data-cfemail"))
            or next((a for a in (_address(i.get("data-cfemail")) for i in inner) if a), None)
        )
        if address is None:
            continue
        link.set("href", f"mailto:{address}")
        _clean(link)
        for element in inner:
            if _address(element.get("data-cfemail")) is not None:
                _replace_with_text(element, _address(element.get("data-cfemail")) or "")
        text = "".join(str(part) for part in link.itertext())
        shown = " ".join(text.replace("\xa0", " ").split())
        if shown.lower() in ("", PLACEHOLDER, address.lower()):
            _set_text(link, address)
        decoded += 1
    for element in _elements(root, ".//*[@data-cfemail]"):
        address = _address(element.get("data-cfemail"))
        if address is None or element.getparent() is None:
            continue
        replacement = element.makeelement("a", {"href": f"mailto:{address}"})
        replacement.text = address
        replacement.tail = element.tail
        parent = element.getparent()
        assert parent is not None
        parent.replace(element, replacement)
        decoded += 1
    return decoded
