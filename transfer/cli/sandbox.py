"""``transfer sandbox`` and ``transfer rehearse``: the built-in rehearsal sandbox."""

from __future__ import annotations

import shlex
import time
from pathlib import Path
from typing import Any

import click

from transfer import ui
from transfer.cli.lines import (
    stage_progress,
)
from transfer.cli.root import CliState, command_tree, pass_state
from transfer.errors import (
    ConfigError,
)
from transfer.pipeline import STAGES, parse_stages
from transfer.runs import Run


@click.group()
def sandbox() -> None:
    """The rehearsal sandbox: both source systems replayed on loopback."""


def _sandbox_settings(seed: int, scale: float, epoch: int, faults: str, variant: str = "") -> Any:
    from transfer.sandbox import Faults, SandboxSettings, parse_variants

    try:
        parsed = Faults.parse(faults)
    except ValueError as exc:
        raise ConfigError(
            str(exc), where="--faults", next_step="see `transfer sandbox serve --help`"
        ) from None
    try:
        variants = parse_variants(variant)
    except ValueError as exc:
        raise ConfigError(
            str(exc), where="--variant", next_step="see `transfer sandbox serve --help`"
        ) from None
    return SandboxSettings(seed=seed, scale=scale, epoch=epoch, faults=parsed, variants=variants)


_sandbox_options = [
    click.option(
        "--seed", type=int, default=2025, show_default=True, help="Same seed, same bytes."
    ),
    click.option(
        "--scale",
        type=click.FloatRange(min=0.001),
        default=1.0,
        show_default=True,
        help="1 is about the real size; 0.02 is a tiny site for tests; 10 for benches.",
    ),
    click.option(
        "--epoch",
        type=click.IntRange(min=0),
        default=0,
        show_default=True,
        help="Rounds of editorial change since the first snapshot.",
    ),
    click.option(
        "--variant",
        default="",
        metavar="NAME,…",
        help="Other forms of the real sites: mirror-legacy, month-dates, time-ranges, "
        "form-names, body-emails, stale-token-downloads, crawl-delay, creator-names "
        "(default: none).",
    ),
]


def sandbox_options(function: Any) -> Any:
    for option in reversed(_sandbox_options):
        function = option(function)
    return function


@sandbox.command("serve")
@sandbox_options
@click.option(
    "--faults",
    default="",
    metavar="NAME=VALUE,…",
    help="Fault knobs, e.g. latency_ms=20,jitter_ms=5,error_rate=0.05,"
    "throttle_rate=0.02,truncate_rate=0.01,reset_rate=0.01,drip_rate=0.01,"
    "malformed_rate=0.01,wrong_charset_rate=0.01,retry_after_s=1.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address.")
@click.option(
    "--port",
    type=int,
    default=8700,
    show_default=True,
    help="Port of the online service (0: any free port).",
)
@click.option(
    "--platform-port",
    type=int,
    default=8701,
    show_default=True,
    help="Port of the Partnership platform (0: any free port).",
)
@click.option(
    "--truth",
    "truth_out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the ground truth JSON here once serving (as `sandbox truth` does).",
)
def sandbox_serve(
    seed: int,
    scale: float,
    epoch: int,
    variant: str,
    faults: str,
    host: str,
    port: int,
    platform_port: int,
    truth_out: Path | None,
) -> None:
    """Serve the sandbox until Ctrl-C, printing the `export` lines that point `transfer`
    at it (both sources and the platform's rehearsal account) for another shell."""
    from transfer.sandbox import serve_sandbox, write_served_truth
    from transfer.sandbox.rehearsal import sandbox_environment

    settings = _sandbox_settings(seed, scale, epoch, faults, variant)
    with serve_sandbox(settings, host, port, platform_port) as running:
        if truth_out is not None:
            write_served_truth(running, truth_out)
        ui.say(f"online service:       {running.online_url}  (as https://kotoutuminen.fi)")
        ui.say(
            f"partnership platform: {running.platform_url}  "
            "(as https://kumppanuusalusta.kotoutuminen.fi)"
        )
        ui.say(f"seed {seed}, scale {scale}, epoch {epoch}")
        ui.say("# to point transfer at this sandbox, run these lines in another shell")
        ui.say("# (the platform's rehearsal account: sandbox values, not real credentials)")
        # This process loads no settings, so no value here is a registered secret and
        # ui.say prints each one as it is: the lines must work when pasted.
        for name, value in sandbox_environment(running).items():
            ui.say(f"export {name}={shlex.quote(value)}")
        ui.say("serving; Ctrl-C stops")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            ui.say("stopped")


@sandbox.command("truth")
@sandbox_options
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="Where to write the ground truth JSON.",
)
def sandbox_truth(seed: int, scale: float, epoch: int, variant: str, out: Path) -> None:
    """Write the sandbox's ground truth (everything it serves) as JSON."""
    from transfer.sandbox import write_truth

    counts = write_truth(_sandbox_settings(seed, scale, epoch, "", variant), out)
    ui.say(
        f"ground truth written to {out}: "
        + ", ".join(f"{key} ({count} keys)" for key, count in counts.items())
    )


@click.command("rehearse")
@sandbox_options
@click.option(
    "--no-cutover",
    is_flag=True,
    help="Stop after the dry run's verification; skip the rehearsed cutover.",
)
@click.option(
    "--stages",
    default=",".join(STAGES),
    show_default=True,
    metavar="NAME,…",
    help="Only these stages of the dry run, in their fixed order (implies --no-cutover "
    "unless every stage runs).",
)
@pass_state
def rehearse(
    state: CliState,
    seed: int,
    scale: float,
    epoch: int,
    variant: str,
    no_cutover: bool,
    stages: str,
) -> None:
    """The whole rehearsal against the built-in sandbox (what `make demo` runs).

    A dry run: serve the sandbox, extract both sources, map, load into the (non-production)
    target and verify, printing the verdict and the report's path. Then a rehearsed
    cutover: runbooks/cutover.yml against the sandbox's next epoch (content changed inside
    the freeze window): freeze check and final delta, load, verification gate, redirect
    export and the post-launch check, ending with the sign-off summary's path.
    """
    from transfer.sandbox.rehearsal import rehearse as run_rehearsal
    from transfer.sandbox.rehearsal import rehearse_cutover

    settings = state.settings()
    chosen = parse_stages(stages)
    sandbox = _sandbox_settings(seed, scale, epoch, "", variant)
    with Run("rehearse", settings.logs_dir) as run:
        outcome = run_rehearsal(
            settings,
            sandbox,
            run,
            report=ui.status_line,
            progress=stage_progress,
            stages=chosen,
        )
        for line in outcome.summary():
            ui.say(line)
        ui.say(f"run {run.run_id}: artefacts in {run.dir}")
        outcome.raise_for_failure()
    if no_cutover or chosen != STAGES:
        return
    ui.say(f"rehearsed cutover: the sandbox at epoch {epoch + 1}, frozen since {sandbox.now} UTC")
    cutover = rehearse_cutover(
        settings, sandbox, ui.status_line, command_tree(), output=ui.output_line
    )
    ui.say(f"verification report: {outcome.report_path}")
    ui.say(f"redirect map for nginx: {cutover.run_dir / 'redirects.nginx.conf'}")
    ui.say(f"cutover sign-off: {cutover.summary_html} and {cutover.summary_md}")
