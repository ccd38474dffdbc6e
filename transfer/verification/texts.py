"""The report's words for people: what each check proves, what its failure means for the
new site, human labels for counts and problem kinds, and the verdict's reasons.

The English text is the message id; :mod:`transfer.verification.language` translates it
(Finnish and Swedish catalogues beside the template). ``N_`` marks a string for the
catalogues without translating it here, so the same tables serve every language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the model builds its verdict with these texts
    from transfer.verification.model import Check, Problem


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    return message


Gettext = Callable[[str], str]


@dataclass(frozen=True)
class CheckText:
    """A check as a manager reads it: a title, what passing proves, what failing means,
    and what is wrong when it fails."""

    title: str
    proves: str
    failure: str
    wrong: str


CHECK_TEXTS: dict[str, CheckText] = {
    "completeness": CheckText(
        N_("Everything came across"),
        N_("Every record of the old sites that should move is on the new site, whole."),
        N_("Pages, files or member records would be missing from the new site on launch day."),
        N_("records are missing or incomplete on the new site"),
    ),
    "coverage": CheckText(
        N_("Nothing left out by accident"),
        N_(
            "Every piece of information the old sites hold is either carried over or left out "
            "on purpose, with a written reason."
        ),
        N_("Information would be lost without anyone having decided so."),
        N_("information is left out without a decision"),
    ),
    "fidelity": CheckText(
        N_("Content unchanged"),
        N_(
            "The texts, dates and other fields on the new site are the same as on the old "
            "sites, field by field."
        ),
        N_("Visitors would see wrong or changed content."),
        N_("fields on the new site differ from the old sites"),
    ),
    "links": CheckText(
        N_("Links work"),
        N_("Links inside the pages lead to a page or file that exists on the new site."),
        N_("Visitors would click links that end in an error page."),
        N_("links were broken by the migration"),
    ),
    "attachments": CheckText(
        N_("Files open"),
        N_("Every attached document and image is on the new site, complete and unchanged."),
        N_("Documents and images would fail to open or be damaged."),
        N_("files are missing or damaged"),
    ),
    "redirects": CheckText(
        N_("Old addresses lead to the new pages"),
        N_(
            "Every old address that people have bookmarked or search engines know leads "
            "straight to the right new page."
        ),
        N_(
            "Old links and search results would end in an error page, and search visibility "
            "would suffer."
        ),
        N_("old addresses have no working redirect"),
    ),
    "translations": CheckText(
        N_("Language versions stay together"),
        N_("The Finnish, Swedish and English versions of a page stay linked to each other."),
        N_("The language switch would lead to the wrong page, or to none."),
        N_("language versions are no longer linked"),
    ),
    "personal_data": CheckText(
        N_("Personal data protected"),
        N_("Test copies of the site show no real e-mail addresses or phone numbers."),
        N_("Personal data would be exposed where it must not be: a data protection breach."),
        N_("personal data is shown unmasked"),
    ),
    "changes": CheckText(
        N_("Changes since the previous dry run"),
        N_("Lists what changed since the previous dry run, for information."),
        N_("This check never stops the launch."),
        N_("records changed"),
    ),
}

#: Counters as people read them (the name stays in report.json).
COUNT_LABELS: dict[str, str] = {
    "loaded": N_("records loaded by the latest load"),
    "unchanged": N_("records already on the new site, unchanged"),
    "skipped": N_("records skipped by rule"),
    "failed": N_("records failed"),
    "missing": N_("records missing"),
    "partial": N_("records partly loaded"),
    "not_mapped": N_("records not converted"),
    "assets": N_("files checked"),
    "verified": N_("files intact"),
    "external": N_("links to other sites"),
    "fields_compared": N_("fields compared"),
    "fields_dropped": N_("fields left out on purpose"),
    "fields_masked": N_("personal fields masked"),
    "groups": N_("language groups checked"),
    "pairs": N_("language links checked"),
    "ignored": N_("links not to check (e-mail, phone)"),
    "links": N_("links checked"),
    "resolved": N_("links that work"),
    "resolved_by_redirect": N_("links that work through a redirect"),
    "kept_path": N_("old addresses kept unchanged"),
    "old_urls": N_("old addresses checked"),
    "ok": N_("old addresses redirected correctly"),
    "to_external": N_("old addresses redirected to other sites"),
    "no_previous_run": N_("no previous run to compare with"),
    "records_skipped_by_rule": N_("records left out by rule"),
    "records_surveyed": N_("records surveyed"),
    "rows_compared": N_("rows compared"),
    "same": N_("records unchanged"),
    "skipped_production": N_("not checked (production keeps real data)"),
    "source_fields": N_("fields in the old sites"),
    "target_rows": N_("rows on the new site"),
    "values_not_carried_declared": N_("values left out with a reason"),
}

#: Problem kinds as people read them.
KIND_LABELS: dict[str, str] = {
    "not_mapped_record": N_("not converted"),
    "failed_record": N_("failed to convert or load"),
    "missing_record": N_("missing on the new site"),
    "partial_record": N_("only partly on the new site"),
    "field_mismatch": N_("a field differs"),
    "unexpected_row": N_("on the new site but not in the old"),
    "source_warning": N_("repaired from a faulty source"),
    "broken_by_migration": N_("link broken by the migration"),
    "broken_in_source": N_("link already broken on the old site"),
    "old_host_link": N_("link to the old site's address"),
    "unreadable_body": N_("page text unreadable"),
    "asset_missing": N_("file missing"),
    "asset_corrupt": N_("file damaged"),
    "source_defect": N_("file the old platform cannot give"),
    "missing_redirect": N_("old address without a redirect"),
    "redirect_to_removed_page": N_("old address of a page removed from the old site"),
    "redirect_to_missing": N_("redirect to a page that does not exist"),
    "redirect_chain": N_("redirect through several steps"),
    "redirect_loop": N_("redirect loop"),
    "translation_missing": N_("language version missing"),
    "group_split": N_("language versions split apart"),
    "ambiguous_in_source": N_("language links unclear on the old site"),
    "unmasked_email": N_("e-mail address not masked"),
    "unmasked_phone": N_("phone number not masked"),
    "new": N_("new since the previous run"),
    "changed": N_("changed since the previous run"),
    "removed": N_("gone since the previous run"),
    "undeclared_field": N_("field neither carried nor left out on purpose"),
    "lost_value": N_("value not carried"),
    "optional_path_absent": N_("optional field absent"),
    "no_inventory": N_("no field inventory"),
}

#: Which problems are worst, for the verdict's examples: lost or damaged content before
#: wrong content, wrong content before a broken way to it.
KIND_RANK = (
    "missing_record",
    "failed_record",
    "not_mapped_record",
    "asset_missing",
    "asset_corrupt",
    "unmasked_email",
    "unmasked_phone",
    "undeclared_field",
    "lost_value",
    "partial_record",
    "field_mismatch",
    "redirect_loop",
    "missing_redirect",
    "redirect_to_missing",
    "broken_by_migration",
    "group_split",
    "translation_missing",
    "redirect_chain",
)


def count_label(name: str, gettext: Gettext) -> str:
    """The human label of a counter; a per-table count reads "rows in <table>"."""
    if name in COUNT_LABELS:
        return gettext(COUNT_LABELS[name])
    if name in KIND_LABELS:
        return gettext(KIND_LABELS[name])
    if name.startswith("source_warning:"):
        return gettext(N_("repaired from a faulty source")) + f" ({name.split(':', 1)[1]})"
    if name.endswith("_rows"):
        return gettext(N_("rows in {table}")).format(table=name[: -len("_rows")])
    return name.replace("_", " ")


def kind_label(kind: str, gettext: Gettext) -> str:
    return gettext(KIND_LABELS[kind]) if kind in KIND_LABELS else kind.replace("_", " ")


def worst(problems: tuple[Problem, ...], n: int = 3) -> list[Problem]:
    """The ``n`` worst errors among ``problems`` (by :data:`KIND_RANK`, then as found),
    one per key: two fields of one record are one example."""
    rank = {kind: i for i, kind in enumerate(KIND_RANK)}
    errors = sorted(
        (p for p in problems if p.severity == "error"), key=lambda p: rank.get(p.kind, len(rank))
    )
    chosen: dict[str, Problem] = {}
    for problem in errors:
        chosen.setdefault(problem.key, problem)
        if len(chosen) == n:
            break
    return list(chosen.values())


def reason(check: Check, gettext: Gettext, number: Callable[[int], str] = str) -> str:
    """One failed check as a sentence: what is wrong, how often against what is allowed,
    and where (the three worst examples). Starts with the check's name and a colon."""
    text = CHECK_TEXTS[check.name]
    sentence = gettext(N_("{wrong} ({errors} found, {allowed} allowed).")).format(
        wrong=gettext(text.wrong),
        errors=number(check.errors),
        allowed=number(check.max_errors or 0),
    )
    examples = "; ".join(f"{p.key} ({kind_label(p.kind, gettext)})" for p in worst(check.problems))
    if examples:
        sentence += " " + gettext(N_("Worst: {examples}.")).format(examples=examples)
    return f"{check.name}: {sentence}"
