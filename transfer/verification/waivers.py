"""Accepted known problems (waivers): ``mappings/accepted.yml``.

A named person accepts one listed problem of one check until a date. While a waiver is in
force its problem stays in the report, in a section of its own, and does not count towards
the check's threshold; from the day after ``until`` it counts again. A waiver that matches
no problem of the run is reported as stale. The file is read with :mod:`transfer.yamlfile`
and every problem in it is reported at once, each with its file and line.

The format (documented in ``docs/verification-report.md``)::

    accepted:
      - check: links
        key: https://kotoutuminen.fi/-/old-news
        reason: The page was withdrawn on purpose; editors fix the link after launch.
        who: Maija Meikäläinen, service owner
        until: 2025-06-30
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transfer import yamlfile
from transfer.errors import ConfigError
from transfer.verification.model import CHECK_NAMES

#: The checks whose errors a waiver may accept (``changes`` never fails).
WAIVABLE_CHECKS = tuple(name for name in CHECK_NAMES if name != "changes")
WAIVER_KEYS = ("check", "key", "reason", "who", "until")


@dataclass(frozen=True)
class Waiver:
    """One accepted problem: the check and key it matches, why, who accepted it, until when,
    and where it is written (``file:line``)."""

    check: str
    key: str
    reason: str
    who: str
    until: dt.date
    where: str = ""

    def in_force(self, today: dt.date) -> bool:
        return today <= self.until

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "key": self.key,
            "reason": self.reason,
            "who": self.who,
            "until": self.until.isoformat(),
            "where": self.where,
        }


def load_waivers(path: Path) -> tuple[Waiver, ...]:
    """The waivers of ``path``; none when the file does not exist. Raises ConfigError
    listing every problem (file:line, key, what to do)."""
    if not path.is_file():
        return ()
    data, located = yamlfile.load(path)
    problems: list[str] = []

    def problem(at: yamlfile.KeyPath, message: str) -> None:
        problems.append(f"{path}:{located.line(at)} ({yamlfile.format_key(at)}): {message}")

    found: list[Waiver] = []
    if data is None:
        return ()
    if not isinstance(data, dict) or set(data) - {"accepted"}:
        problem((), "the file must be a mapping with one key, accepted: a list of waivers")
    else:
        entries = data.get("accepted") or []
        if not isinstance(entries, list):
            problem(("accepted",), "accepted: must be a list of waivers")
            entries = []
        for index, entry in enumerate(entries):
            waiver = _waiver(entry, ("accepted", index), problem, located)
            if waiver is not None:
                found.append(waiver)
    if problems:
        raise ConfigError(
            f"{len(problems)} problem(s) in the accepted problems file {path}:\n"
            + "\n".join(f"  {line}" for line in problems),
            where=str(path),
            next_step="fix those lines: each waiver needs check, key, reason, who and until "
            "(YYYY-MM-DD); see docs/verification-report.md",
        )
    return tuple(found)


def _waiver(
    entry: Any,
    at: yamlfile.KeyPath,
    problem: Callable[[yamlfile.KeyPath, str], None],
    located: yamlfile.Located,
) -> Waiver | None:
    if not isinstance(entry, dict):
        problem(at, "a waiver must be a mapping with check, key, reason, who and until")
        return None
    ok = True
    for key in sorted(set(entry) - set(WAIVER_KEYS)):
        problem((*at, key), f"unknown key {key!r}; known: {', '.join(WAIVER_KEYS)}")
        ok = False
    texts: dict[str, str] = {}
    for key in ("check", "key", "reason", "who"):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            problem((*at, key) if key in entry else at, f"{key}: must be non-empty text")
            ok = False
        else:
            texts[key] = value.strip()
    check = texts.get("check")
    if check is not None and check not in WAIVABLE_CHECKS:
        problem((*at, "check"), f"unknown check {check!r}; one of {', '.join(WAIVABLE_CHECKS)}")
        ok = False
    until = entry.get("until")
    if isinstance(until, dt.datetime):
        until = until.date()
    elif isinstance(until, str):
        try:
            until = dt.date.fromisoformat(until.strip())
        except ValueError:
            until = None
    if not isinstance(until, dt.date):
        problem(
            (*at, "until") if "until" in entry else at,
            "until: must be a date (YYYY-MM-DD), the last day the acceptance holds",
        )
        ok = False
    if not ok:
        return None
    assert isinstance(until, dt.date)
    return Waiver(
        texts["check"],
        texts["key"],
        texts["reason"],
        texts["who"],
        until,
        f"{located.path}:{located.line(at)}",
    )


class WaiverBook:
    """The waivers of one run, split into in force and expired on ``today``; remembers
    which ones matched a problem."""

    def __init__(self, waivers: Iterable[Waiver], today: dt.date) -> None:
        self.today = today
        self.waivers = tuple(waivers)
        self._active = {(w.check, w.key): w for w in self.waivers if w.in_force(today)}
        self._expired = {(w.check, w.key): w for w in self.waivers if not w.in_force(today)}
        self.matched: set[Waiver] = set()

    def accepts(self, check: str, key: str) -> Waiver | None:
        """The waiver in force for this problem, if any; expired matches are remembered so
        the report can say the acceptance ran out."""
        waiver = self._active.get((check, key))
        if waiver is None:
            expired = self._expired.get((check, key))
            if expired is not None:
                self.matched.add(expired)
            return None
        self.matched.add(waiver)
        return waiver

    def summary(self) -> dict[str, list[dict[str, Any]]]:
        """``expired`` (past their date: their problems count again) and ``stale`` (in force
        but matching no problem of this run: the problem is gone, remove the waiver)."""
        expired = [w.as_dict() for w in self.waivers if not w.in_force(self.today)]
        stale = [
            w.as_dict() for w in self.waivers if w.in_force(self.today) and w not in self.matched
        ]
        return {"expired": expired, "stale": stale}
