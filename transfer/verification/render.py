"""Writing the report: ``report.json`` (stable keys) and ``report.html`` (self-contained).

The HTML is rendered by Jinja2 with autoescaping on, so titles, links and values that came
from the sources (some of them hostile) stay inert text; its CSS, script and charts (SVG)
are inline, so the file reads offline with nothing else beside it.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from transfer.verification.model import VerificationReport

_ENV = Environment(
    loader=PackageLoader("transfer.verification", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _bars(rows: dict[str, Counter[str]]) -> list[dict[str, Any]]:
    """Rows of a source-beside-target bar chart, widths in percent of the largest."""
    largest = max((counts["source"] for counts in rows.values()), default=0) or 1
    return [
        {
            "label": label,
            "source": counts["source"],
            "target": counts["target"],
            # A kind its mapping skips by rule is not a loss: the chart says so.
            "skipped_by_rule": counts["source"] > 0 and counts["skipped"] == counts["source"],
            "source_pct": round(100 * counts["source"] / largest, 1),
            "target_pct": round(100 * counts["target"] / largest, 1),
        }
        for label, counts in sorted(rows.items())
    ]


def chart_rows(report: VerificationReport) -> dict[str, list[dict[str, Any]]]:
    """Source and target counts by kind and by language, for the charts."""
    by_kind: dict[str, Counter[str]] = {}
    by_language: dict[str, Counter[str]] = {}
    for system, kind, language, counts in report.inventory:
        by_kind.setdefault(f"{system} / {kind}", Counter()).update(counts)
        by_language.setdefault(language or "(none)", Counter()).update(counts)
    return {"kind": _bars(by_kind), "language": _bars(by_language)}


def write_reports(report: VerificationReport, out_dir: Path) -> tuple[Path, Path]:
    """Write ``report.html`` and ``report.json`` into ``out_dir``; return their paths.

    ``report.json`` comes last and whole (written beside, then renamed): the next
    verification takes the newest ``report.json`` as the previous run, so a run killed
    while writing must leave none rather than half of one.
    """
    data = report.as_dict()
    html_path = out_dir / "report.html"
    html = _ENV.get_template("report.html.j2").render(
        report=report, data=data, charts=chart_rows(report)
    )
    html_path.write_text(html, encoding="utf-8")
    json_path = out_dir / "report.json"
    partial = out_dir / ".report.json.partial"
    partial.write_text(
        json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    partial.replace(json_path)
    return json_path, html_path
