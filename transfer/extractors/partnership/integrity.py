"""Integrity kept, not dropped: what points at something missing is exported and flagged.

Flags (in a record's ``_flags``):

- ``creator-deleted`` (thread, post, …): the creator's account is not among the members,
  but the item still names it (an id no member has, or a name kept without an id);
- ``creator-absent``: the item names no creator at all (Liferay prints none once the user
  row is gone);
- ``workspace-missing`` (membership): the member's site brief names a workspace that does
  not exist any more; ``member-missing``: the member is not among the members;
- ``no-email`` (member): the account has no e-mail address;
- ``export-account`` (member): the account the export signs in as (its e-mail, a credential,
  is removed from the record);
- ``download-failed`` (we failed to fetch the file: a failure), ``empty-file`` and
  ``file-unavailable`` (the platform cannot give it: source defects), ``size-mismatch``
  (file): see ``files.py``.

Duplicate organisations are reported as merge candidates, never merged or dropped: the same
business id in any spelling (rule ``business-id``) or the same normalised name (rule
``normalised-name``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from transfer.extractors.partnership.entities import creator_id

# Legal-form words that people add or leave out when they type an organisation's name.
LEGAL_FORMS = frozenset({"ry", "rf", "oy", "ab", "oyj", "sr"})
# Custom fields that hold the Finnish business id (Y-tunnus) on the platform.
BUSINESS_ID_FIELD = re.compile(r"^(business.?id|y.?tunnus|ytunnus)$", re.IGNORECASE)
RULES = {
    "business-id": "the same business id once written as digits only, a leading FI dropped, "
    "NNNNNNN-N",
    "normalised-name": "the same name in lower case, every punctuation mark (dots, commas, "
    "hyphens, dashes, slashes, quotes, brackets) read as a space, spaces collapsed, legal-form "
    "words (ry, rf, oy, ab, oyj, sr) dropped",
}


def creator_flags(item: Mapping[str, Any], member_ids: set[str]) -> list[str]:
    """``creator-deleted`` when the creator's account is gone but the item still names it
    (an id no member has, or a name kept without a usable id); ``creator-absent`` when the
    item names no creator at all. An existing member's item has neither."""
    creator = item.get("creator")
    found = creator_id(dict(item))
    if found is None or found == "0":
        name = creator.get("name") if isinstance(creator, dict) else None
        kept = isinstance(name, str) and bool(name.strip())
        return ["creator-deleted"] if kept else ["creator-absent"]
    return [] if found in member_ids else ["creator-deleted"]


def has_email(item: Mapping[str, Any]) -> bool:
    if item.get("emailAddress"):
        return True
    contact = item.get("userAccountContactInformation")
    addresses = contact.get("emailAddresses") if isinstance(contact, dict) else None
    return bool(addresses) and any(
        isinstance(a, dict) and a.get("emailAddress") for a in addresses or []
    )


def member_flags(item: Mapping[str, Any], export_id: str | None) -> list[str]:
    flags = [] if has_email(item) else ["no-email"]
    if export_id is not None and str(item.get("id")) == export_id:
        flags.append("export-account")
    return flags


def scrub_export_account(fields: dict[str, Any]) -> dict[str, Any]:
    """The export account's record without its e-mail addresses: that e-mail is the
    username the export signs in with."""
    fields.pop("emailAddress", None)
    contact = fields.get("userAccountContactInformation")
    if isinstance(contact, dict) and "emailAddresses" in contact:
        fields["userAccountContactInformation"] = {**contact, "emailAddresses": []}
    return fields


def business_id(organization: Mapping[str, Any]) -> str | None:
    """The organisation's business id as registered (any spelling), or None."""
    for custom in organization.get("customFields") or []:
        if not isinstance(custom, dict) or not BUSINESS_ID_FIELD.match(str(custom.get("name"))):
            continue
        value = custom.get("customValue")
        data = value.get("data") if isinstance(value, dict) else None
        if isinstance(data, str) and data.strip():
            return data
    return None


def normalise_business_id(raw: str) -> str:
    """``FI91234567``, ``9123456 7``, `` 9123 456-7 `` → ``9123456-7``."""
    text = raw.strip().upper()
    text = text.removeprefix("FI")
    digits = re.sub(r"\D", "", text)
    return f"{digits[:7]}-{digits[7:]}" if len(digits) == 8 else raw.strip().lower()


def normalise_name(name: str) -> str:
    """The ``normalised-name`` key: Unicode NFKC, lower case, every punctuation mark (dots,
    commas, hyphens, dashes, slashes, quotes, brackets, ...) a space, spaces collapsed,
    legal-form words dropped: ``X-yhdistys ry`` and ``X yhdistys ry.`` give one key."""
    text = unicodedata.normalize("NFKC", name).lower()
    words = re.sub(r"[^\w\s]|_", " ", text).split()
    return " ".join(word for word in words if word not in LEGAL_FORMS)


@dataclass(frozen=True)
class MergeCandidate:
    rule: str
    key: str
    ids: tuple[str, ...]
    names: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "key": self.key,
            "ids": list(self.ids),
            "names": list(self.names),
        }


def merge_candidates(organizations: Iterable[Mapping[str, Any]]) -> list[MergeCandidate]:
    """Groups of organisations that are probably one, with the rule that matched.

    The business id is the stronger rule: a group it finds is not reported again under the
    name rule.
    """
    by_id: dict[str, list[tuple[str, str]]] = defaultdict(list)
    by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for org in organizations:
        org_id, name = org.get("id"), org.get("name")
        if org_id is None:
            continue
        label = str(name) if name else ""
        raw = business_id(org)
        if raw:
            by_id[normalise_business_id(raw)].append((str(org_id), label))
        if label and normalise_name(label):
            by_name[normalise_name(label)].append((str(org_id), label))
    found: list[MergeCandidate] = []
    covered: list[set[str]] = []
    for rule, groups in (("business-id", by_id), ("normalised-name", by_name)):
        for key in sorted(groups):
            members = sorted(set(groups[key]), key=lambda pair: _id_order(pair[0]))
            ids = {pair[0] for pair in members}
            if len(members) < 2 or any(ids <= seen for seen in covered):
                continue
            covered.append(ids)
            found.append(
                MergeCandidate(
                    rule, key, tuple(p[0] for p in members), tuple(p[1] for p in members)
                )
            )
    return found


def _id_order(value: str) -> tuple[int, str]:
    return (int(value), "") if value.isdigit() else (0, value)
