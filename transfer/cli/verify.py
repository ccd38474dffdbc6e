"""``transfer verify``: the verification report and its GO / NO-GO verdict."""

from __future__ import annotations

import json
from pathlib import Path

import click

from transfer import ui
from transfer.cli.root import CliState, pass_state
from transfer.runs import Run


@click.command("verify")
@click.option(
    "--media-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Media store to check attachments in [load.media_dir, else <workspace>/media].",
)
@click.option(
    "--lang",
    type=click.Choice(["fi", "sv", "en", "all"]),
    default=None,
    help="Language of report.html; all writes each of fi, sv and en "
    "[verify.report_language, else en].",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the verdict and every check as JSON instead of a table (no progress lines).",
)
@pass_state
def verify_command(
    state: CliState, media_dir: Path | None, lang: str | None, as_json: bool
) -> None:
    """Verify the target against the sources: report.html, report.json and CSV lists in the
    run folder; exit 0 on GO, 9 on NO-GO."""
    from transfer.verification.settings import no_go, run_verification

    with Run("verify", state.settings().logs_dir) as run:
        if as_json:
            report = run_verification(state.settings(), run, media=media_dir, language=lang)
            payload = {
                "run_id": run.run_id,
                "verdict": report.verdict.decision,
                "reasons": list(report.verdict.reasons),
                "checks": [check.as_dict() for check in report.checks],
                "report": str(run.dir / "report.html"),
            }
            ui.say(json.dumps(payload, indent=2, ensure_ascii=False))
            if not report.verdict.go:
                raise no_go(report, run.dir)
            return
        with ui.live_report("verifying") as update:
            report = run_verification(
                state.settings(), run, media=media_dir, language=lang, progress=update
            )
        ui.table(
            "Verification",
            ("check", "status", "errors", "allowed", "warnings"),
            (
                (
                    c.name,
                    c.status,
                    c.errors,
                    "-" if c.max_errors is None else c.max_errors,
                    c.warnings,
                )
                for c in report.checks
            ),
        )
        ui.say(
            f"verdict: {report.verdict.decision}", style=ui.STATUS_STYLE[report.verdict.decision]
        )
        for reason in report.verdict.reasons:
            ui.say(f"  {reason}")
        ui.say(f"report: {run.dir / 'report.html'}")
        if not report.verdict.go:
            raise no_go(report, run.dir)
