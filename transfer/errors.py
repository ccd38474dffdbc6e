"""One exception root for the whole toolkit, with stable exit codes.

Runbooks gate on these codes, so they never change meaning; new errors get new numbers.
Every error says what failed, where, and what to do next, and is safe to print: callers
must not put secrets into it (the console and the event log redact known secrets anyway).
"""

from __future__ import annotations

from dataclasses import dataclass


class TransferError(Exception):
    """Root of every error the toolkit raises on purpose."""

    exit_code = 1
    stage = "transfer"

    def __init__(self, what: str, *, where: str = "", next_step: str = "") -> None:
        super().__init__(what)
        self.what = what
        self.where = where
        self.next_step = next_step

    def __str__(self) -> str:
        parts = [self.what]
        if self.where:
            parts.append(f"where: {self.where}")
        if self.next_step:
            parts.append(f"next: {self.next_step}")
        return "\n".join(parts)


class ConfigError(TransferError):
    """The configuration file, environment or command line is invalid."""

    exit_code = 3
    stage = "config"


class ExtractionError(TransferError):
    """A source could not be crawled or exported completely."""

    exit_code = 4
    stage = "extract"


class MappingError(TransferError):
    """A mapping file is invalid, or records could not be mapped."""

    exit_code = 5
    stage = "map"


class LoadError(TransferError):
    """Rows could not be loaded into the target."""

    exit_code = 6
    stage = "load"


class TargetDatabaseError(LoadError):
    """The target database is unreachable, refuses the login, or fails a query."""

    exit_code = 7


class VerificationError(TransferError):
    """The verification itself could not run (not a NO-GO verdict)."""

    exit_code = 8
    stage = "verify"


class NoGo(VerificationError):
    """Verification ran and its verdict is NO-GO."""

    exit_code = 9


class CutoverError(TransferError):
    """A cutover step or gate failed."""

    exit_code = 10
    stage = "cutover"


class DoctorFailed(TransferError):
    """One or more environment checks of ``transfer doctor`` failed."""

    exit_code = 11
    stage = "doctor"


class Interrupted(TransferError):
    """The operator stopped the run (Ctrl-C); what was finished is kept."""

    exit_code = 130


@dataclass(frozen=True)
class ExitCode:
    code: int
    name: str
    meaning: str


#: The documented exit codes, in the order the README lists them.
EXIT_CODES: tuple[ExitCode, ...] = (
    ExitCode(0, "ok", "Success; for `transfer verify`, the verdict is GO."),
    ExitCode(
        1, "internal", "Unexpected error (a bug); the traceback is in the run's events.jsonl."
    ),
    ExitCode(2, "usage", "Wrong command-line usage (unknown option, missing argument)."),
    ExitCode(
        ConfigError.exit_code,
        "config",
        "Invalid configuration file, environment or flag; or the cutover preflight failed.",
    ),
    ExitCode(ExtractionError.exit_code, "extract", "A source could not be extracted completely."),
    ExitCode(MappingError.exit_code, "map", "A mapping file is invalid or records failed to map."),
    ExitCode(LoadError.exit_code, "load", "Rows could not be loaded into the target."),
    ExitCode(
        TargetDatabaseError.exit_code,
        "target-db",
        "The target database is unreachable, refused the login or failed a query.",
    ),
    ExitCode(VerificationError.exit_code, "verify", "The verification could not run."),
    ExitCode(NoGo.exit_code, "no-go", "Verification ran and the verdict is NO-GO."),
    ExitCode(CutoverError.exit_code, "cutover", "A cutover step or gate failed."),
    ExitCode(DoctorFailed.exit_code, "doctor", "`transfer doctor` found a failing check."),
    ExitCode(Interrupted.exit_code, "interrupted", "Stopped by the operator (Ctrl-C)."),
)
