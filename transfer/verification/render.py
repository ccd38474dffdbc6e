"""Writing the report: ``report.json`` (stable keys), ``report.html`` (self-contained) in
one or more languages, and ``index.html`` of every verification run in the logs folder.

The HTML is rendered by Jinja2 with autoescaping on, so titles, links and values that came
from the sources (some of them hostile) stay inert text; its CSS, script and charts (SVG)
are inline, so the file reads offline with nothing else beside it. One template serves
every language: its words come from the gettext catalogues (:mod:`.language`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from jinja2 import Environment, PackageLoader, select_autoescape

from transfer.verification import language as lang
from transfer.verification import texts
from transfer.verification.history import run_index
from transfer.verification.language import LANGUAGES
from transfer.verification.model import FAIL, VerificationReport

__all__ = ["LANGUAGES", "chart_rows", "write_index", "write_reports"]


def _environment(language: str) -> Environment:
    environment = Environment(
        loader=PackageLoader("transfer.verification", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    translations = lang.translations(language)
    environment.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    gettext: Callable[[str], str] = translations.gettext
    environment.filters["num"] = lambda value: lang.number(value, language)
    environment.filters["when"] = lambda value: lang.when(value, language)
    environment.filters["day"] = lambda value: lang.day(value, language)
    environment.globals.update(
        language=language,
        t=gettext,
        check_text=lambda name: texts.CHECK_TEXTS[name],
        count_label=lambda name: texts.count_label(name, gettext),
        kind_label=lambda kind: texts.kind_label(kind, gettext),
        reason=lambda check: texts.reason(check, gettext, lambda n: lang.number(n, language)).split(
            ": ", 1
        )[1],
        language_name=lambda code: _language_name(code, language),
    )
    return environment


def _language_name(code: str, language: str) -> str:
    """``fi`` → "suomi" / "finska" / "Finnish" in the report's language."""
    base, _, variant = code.partition("-x-")
    try:
        name = Locale.parse(base).get_display_name(language) or code
    except (ValueError, UnknownLocaleError):
        return code
    return f"{name} ({variant})" if variant else name


def _bars(rows: dict[str, Counter[str]]) -> list[dict[str, Any]]:
    """Rows of an old-beside-new bar chart, widths in percent of the largest. The new
    site's bar is split: on the new site, skipped by rule (on purpose, not a loss), and
    not arrived (the rest)."""
    largest = max((counts["source"] for counts in rows.values()), default=0) or 1
    result = []
    for label, counts in sorted(rows.items()):
        source, target, skipped = counts["source"], counts["target"], counts["skipped"]
        missing = max(source - target - skipped, 0)
        result.append(
            {
                "label": label,
                "source": source,
                "target": target,
                "skipped": skipped,
                "missing": missing,
                "skipped_by_rule": source > 0 and skipped == source,
                "source_pct": round(100 * source / largest, 1),
                "target_pct": round(100 * target / largest, 1),
                "skipped_pct": round(100 * skipped / largest, 1),
                "missing_pct": round(100 * missing / largest, 1),
            }
        )
    return result


def chart_rows(report: VerificationReport) -> dict[str, list[dict[str, Any]]]:
    """Source and target counts by kind and by language, for the charts. Records without a
    language (attachments, members, ...) are one row, ``""``, whose label names its kinds."""
    by_kind: dict[str, Counter[str]] = {}
    by_language: dict[str, Counter[str]] = {}
    independent: set[str] = set()
    for system, kind, language, counts in report.inventory:
        by_kind.setdefault(f"{system} / {kind}", Counter()).update(counts)
        by_language.setdefault(language, Counter()).update(counts)
        if not language:
            independent.add(kind)
    kinds = _bars(by_kind)
    languages = _bars(by_language)
    for row in languages:
        row["independent"] = sorted(independent) if not row["label"] else []
    return {"kind": kinds, "language": languages}


def _trend_chart(points: list[dict[str, Any]]) -> dict[str, Any]:
    """Coordinates of the trend chart: one point per run, both series, and the y axis."""
    top = max([int(p.get("source") or 0) for p in points] + [1])
    left, right, bottom, height = 70, 930, 170, 140
    step = (right - left) / (len(points) - 1) if len(points) > 1 else 0
    placed = []
    for index, point in enumerate(points):
        x = left + step * index if len(points) > 1 else (left + right) / 2
        placed.append(
            {
                **point,
                "x": round(x, 1),
                "y_source": round(bottom - height * int(point.get("source") or 0) / top, 1),
                "y_loaded": round(bottom - height * int(point.get("loaded") or 0) / top, 1),
            }
        )
    ticks = [
        {"value": value, "y": round(bottom - height * value / top, 1)}
        for value in sorted({0, top // 2, top})
    ]
    return {"points": placed, "ticks": ticks, "left": left, "right": right, "bottom": bottom}


def _siblings(languages: tuple[str, ...]) -> dict[str, str]:
    return {code: f"report.{code}.html" for code in languages} if len(languages) > 1 else {}


def render_report(
    report: VerificationReport, language: str, siblings: dict[str, str] | None = None
) -> str:
    """``report.html`` in ``language``."""
    data = report.as_dict()
    failed = [check for check in report.checks if check.status == FAIL]
    return (
        _environment(language)
        .get_template("report.html.j2")
        .render(
            report=report,
            data=data,
            failed=failed,
            charts=chart_rows(report),
            trend=_trend_chart([dict(p) for p in report.trend]),
            siblings=siblings or {},
            accepted=[a for check in report.checks for a in check.accepted],
        )
    )


def write_reports(
    report: VerificationReport, out_dir: Path, languages: tuple[str, ...] = ("en",)
) -> tuple[Path, Path]:
    """Write ``report.html`` (in ``languages[0]``) and ``report.json`` into ``out_dir``;
    with more than one language also ``report.<language>.html`` for each. Return the
    paths of the JSON and the main HTML.

    ``report.json`` comes last and whole (written beside, then renamed): the next
    verification takes the newest ``report.json`` as the previous run, so a run killed
    while writing must leave none rather than half of one.
    """
    siblings = _siblings(languages)
    html_path = out_dir / "report.html"
    html_path.write_text(render_report(report, languages[0], siblings), encoding="utf-8")
    for code, name in siblings.items():
        (out_dir / name).write_text(render_report(report, code, siblings), encoding="utf-8")
    json_path = out_dir / "report.json"
    partial = out_dir / ".report.json.partial"
    partial.write_text(
        json.dumps(report.as_dict(), indent=2, ensure_ascii=False, default=str) + "\n",
        encoding="utf-8",
    )
    partial.replace(json_path)
    return json_path, html_path


def write_index(logs_dir: Path, language: str = "en") -> Path:
    """Write ``index.html`` into ``logs_dir``: every verification run with its verdict,
    counts and links, the cutover sign-off summaries, and the trend with a point per run."""
    runs = run_index(logs_dir)
    verifications = [run for run in runs if run["kind"] == "verification"]
    path = logs_dir / "index.html"
    html = (
        _environment(language)
        .get_template("index.html.j2")
        .render(
            runs=runs,
            verifications=verifications,
            trend=_trend_chart(verifications),
        )
    )
    partial = logs_dir / ".index.html.partial"
    partial.write_text(html, encoding="utf-8")
    partial.replace(path)
    return path
