"""Settings: defaults < ``transfer.toml`` < ``TRANSFER_*`` environment < command-line flags.

Every option is declared once in :data:`OPTIONS`; the merge yields one frozen
:class:`Settings` that remembers where each value came from. Secrets (passwords, client
credentials) are accepted only from the environment: a secret in the file is an error, so
it cannot end up in a repository by accident.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from transfer import __version__
from transfer.errors import ConfigError
from transfer.redaction import Secret, is_credential_parameter, redact, register_secret
from transfer.workspace import Workspace
from transfer.yamlfile import ConfigProblems, Problem, closest, suggest

ENV_PREFIX = "TRANSFER_"
DEFAULT_CONFIG_FILE = Path("transfer.toml")
ENVIRONMENTS = ("rehearsal", "staging", "production")


@dataclass(frozen=True)
class Option:
    """One setting: its dotted key, type, default and help; secrets come from env only."""

    key: str
    kind: type
    default: Any
    help: str
    secret: bool = False
    choices: tuple[str, ...] = ()
    # Thresholds may be 0 ("none allowed"); other numbers must be positive.
    allow_zero: bool = False
    # Shares and other bounded numbers; None: no upper bound (numbers are always finite).
    maximum: float | None = None

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.key.upper().replace(".", "_")


OPTIONS: tuple[Option, ...] = (
    Option(
        "workspace",
        Path,
        Path(".transfer"),
        "Directory for stage state: staging store, blob store, default SQLite target.",
    ),
    Option("logs_dir", Path, Path("logs"), "Where each run writes logs/<run_id>/."),
    Option(
        "mappings_dir",
        Path,
        Path("mappings"),
        "Source profiles, mapping files and lookups, one folder per source system.",
    ),
    Option(
        "target.url",
        str,
        "",
        "SQLAlchemy URL of the KEHA target; empty means sqlite:///<workspace>/target.db. "
        "PostgreSQL: postgresql+psycopg://user@host:5432/keha (password from the env).",
    ),
    Option("target.password", str, None, "Password for the target database.", secret=True),
    Option(
        "target.environment",
        str,
        "rehearsal",
        "What the target is: rehearsal and staging mask personal data by default.",
        choices=ENVIRONMENTS,
    ),
    Option(
        "sources.online_service.base_url",
        str,
        "https://kotoutuminen.fi",
        "Canonical address of the online service.",
    ),
    Option(
        "sources.online_service.fetch_base",
        str,
        "",
        "Where requests really go (e.g. the sandbox, http://127.0.0.1:8700); empty: base_url.",
    ),
    Option(
        "sources.online_service.parse_workers",
        int,
        None,
        "Processes that parse crawled pages; empty: one per core; 0 or 1: in the crawl's "
        "own process.",
        allow_zero=True,
        maximum=256,
    ),
    Option(
        "sources.partnership.base_url",
        str,
        "https://kumppanuusalusta.kotoutuminen.fi",
        "Canonical address of the Partnership platform.",
    ),
    Option(
        "sources.partnership.fetch_base",
        str,
        "",
        "Where platform requests really go; empty: base_url.",
    ),
    Option(
        "sources.partnership.username", str, None, "Platform export account (e-mail).", secret=True
    ),
    Option(
        "sources.partnership.password", str, None, "Password of the export account.", secret=True
    ),
    Option(
        "sources.partnership.client_id",
        str,
        None,
        "OAuth2 client id (instead of a password).",
        secret=True,
    ),
    Option("sources.partnership.client_secret", str, None, "OAuth2 client secret.", secret=True),
    Option(
        "http.timeout_s",
        float,
        30.0,
        "Timeout of one HTTP connect or read (each wait for bytes), in seconds.",
        maximum=3600.0,
    ),
    Option(
        "http.deadline_s",
        float,
        120.0,
        "Total time one HTTP attempt may take, from connecting to the last byte, in seconds; "
        "a slower answer is a retriable timeout.",
        maximum=86400.0,
    ),
    Option("http.concurrency", int, 4, "Parallel requests per source."),
    Option("http.max_attempts", int, 5, "Attempts per request for retriable failures."),
    Option(
        "http.min_delay_s",
        float,
        0.0,
        "Least pause between two requests to one host, in seconds (robots.txt Crawl-delay "
        "raises it).",
    ),
    Option(
        "http.user_agent",
        str,
        f"transfer/{__version__} (KEHA migration)",
        "User-Agent sent to the sources.",
    ),
    *(
        Option(
            f"verify.{check}_max_errors",
            int,
            0,
            f"transfer verify: errors the {check.replace('_', ' ')} check may find and pass.",
            allow_zero=True,
        )
        for check in (
            "completeness",
            "coverage",
            "fidelity",
            "links",
            "attachments",
            "redirects",
            "translations",
            "personal_data",
        )
    ),
    Option(
        "verify.problem_cap",
        int,
        1000,
        "Problems per check shown in report.html and report.json (the CSV lists all).",
    ),
    Option(
        "verify.shares",
        int,
        0,
        "Processes the fidelity pass is shared among: 0 for one per core (at most 4) from "
        "10,000 mapped records up, one below; 1 never starts a worker.",
    ),
    Option(
        "verify.report_language",
        str,
        "en",
        "Language of report.html: fi, sv or en; all writes report.<lang>.html for each "
        "(transfer verify --lang overrides).",
        choices=("fi", "sv", "en", "all"),
    ),
    Option(
        "verify.accepted_file",
        str,
        "",
        "Accepted known problems (waivers) of transfer verify; empty: <mappings_dir>/accepted.yml.",
    ),
    Option(
        "load.media_dir",
        str,
        "",
        "Target media store for asset files (content-addressed); empty: <workspace>/media.",
    ),
    Option(
        "map.workers",
        int,
        None,
        "Processes that map records; empty: one per core; 0 or 1: in the map's own process "
        "(passes of fewer than 2,000 records always are).",
        allow_zero=True,
        maximum=256,
    ),
    Option("load.batch_size", int, 200, "Records per load transaction."),
    Option(
        "load.max_removal_share",
        float,
        0.1,
        "Share of live records one load may unpublish or delete before it stops "
        "(transfer load --allow-removals overrides).",
        maximum=1.0,
    ),
    Option(
        "cutover.min_free_mb",
        int,
        1024,
        "Free disk space (MB) the cutover preflight wants where the workspace is; 0: no check.",
        allow_zero=True,
    ),
)
OPTIONS_BY_KEY = {option.key: option for option in OPTIONS}


@dataclass(frozen=True)
class TargetSettings:
    url: str
    password: Secret | None
    environment: str

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


@dataclass(frozen=True)
class SourceSettings:
    base_url: str
    fetch_base: str
    username: Secret | None = None
    password: Secret | None = None
    client_id: Secret | None = None
    client_secret: Secret | None = None
    #: processes parsing crawled pages (the online service); None: one per core
    parse_workers: int | None = None

    @property
    def fetch_url(self) -> str:
        """The address requests are sent to."""
        return (self.fetch_base or self.base_url).rstrip("/")


@dataclass(frozen=True)
class HttpSettings:
    timeout_s: float
    concurrency: int
    max_attempts: int
    user_agent: str
    min_delay_s: float = 0.0
    deadline_s: float = 120.0


@dataclass(frozen=True)
class Settings:
    """The effective configuration of one invocation."""

    workspace: Path
    logs_dir: Path
    mappings_dir: Path
    target: TargetSettings
    online_service: SourceSettings
    partnership: SourceSettings
    http: HttpSettings
    config_file: Path | None
    values: Mapping[str, Any] = field(repr=False)
    origins: Mapping[str, str] = field(repr=False)

    def describe(self) -> list[tuple[str, str, str]]:
        """(key, shown value, origin) for every option; secrets only say whether they are set."""
        rows = []
        for option in OPTIONS:
            value = self.values[option.key]
            if option.secret:
                shown = "*** (set)" if value else "(not set)"
            elif option.key == "target.url":
                shown = redact(str(value))
            else:
                shown = str(value)
            rows.append((option.key, shown, self.origins[option.key]))
        return rows


def _convert(option: Option, raw: Any, origin: str) -> Any:
    try:
        if option.kind is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text not in {"1", "0", "true", "false", "yes", "no"}:
                raise ValueError(raw)
            return text in {"1", "true", "yes"}
        if option.kind in (int, float) and isinstance(raw, bool):
            raise ValueError(raw)
        value = option.kind(raw)
    except (TypeError, ValueError):
        raise ConfigError(
            f"{option.key} must be a {option.kind.__name__}, got {raw!r}",
            where=origin,
            next_step=f"fix the value ({option.help})",
        ) from None
    if option.choices and value not in option.choices:
        raise ConfigError(
            f"{option.key} must be one of {', '.join(option.choices)}, got {value!r}",
            where=origin,
            next_step="choose one of the listed values",
        )
    if option.kind is float and not math.isfinite(value):
        raise ConfigError(
            f"{option.key} must be a finite number, got {raw!r}",
            where=origin,
            next_step=f"give a number ({option.help})",
        )
    if option.maximum is not None and value > option.maximum:
        raise ConfigError(
            f"{option.key} must be at most {option.maximum:g}, got {value!r}",
            where=origin,
            next_step=f"give a smaller number ({option.help})",
        )
    if option.kind in (int, float) and (value < 0 if option.allow_zero else value <= 0):
        raise ConfigError(
            f"{option.key} must be {'zero or more' if option.allow_zero else 'positive'}, "
            f"got {value!r}",
            where=origin,
            next_step="give a positive number",
        )
    return value


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


_HEADER = re.compile(r"\s*\[\s*([^\[\]#]+?)\s*\]\s*(#.*)?$")
_ASSIGN = re.compile(r"\s*([A-Za-z0-9_.\"' -]+?)\s*=")


def _bare(name: str) -> str:
    return re.sub(r"[\"'\s]", "", name)


def _line_of(text: str, key: str) -> int:
    """The line where the dotted ``key`` is set: the ``name =`` line under its ``[table]``
    header (or written out in full), else the first line setting its last part."""
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = _bare(header.group(1))
            continue
        assign = _ASSIGN.match(line)
        if assign and f"{table}.{_bare(assign.group(1))}".lstrip(".") == key:
            return number
    leaf = re.escape(key.rsplit(".", 1)[-1])
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*[\"']?{leaf}[\"']?\s*=", line):
            return number
    return 1


@dataclass(frozen=True)
class SettingProblem:
    """One problem of the configuration, found by :func:`inspect_settings`: ``key`` is the
    setting's dotted key as written ("" for the whole file), ``where`` the file and line,
    the variable or the flag, ``value`` the value as written (secrets masked) and ``known``
    whether the key is a setting at all. The setting keeps its value from the layer below."""

    key: str
    where: str
    message: str
    hint: str = ""
    value: str = ""
    known: bool = True

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" + (f" ({self.hint})" if self.hint else "")


#: Collects problems instead of raising at the first (``None``: raise).
Collect = list[SettingProblem] | None


def read_config_file(path: Path) -> dict[str, Any]:
    """Read and validate a ``transfer.toml``; one ``ConfigError`` names every problem of the
    file, each with its line and key."""
    return _read_config(path)[0]


def _unreadable(path: Path, raw: bytes | None, exc: Exception) -> ConfigError:
    if isinstance(exc, UnicodeDecodeError) and raw is not None:
        line = raw[: exc.start].count(b"\n") + 1
        return ConfigError(
            f"the configuration file is not UTF-8 text (byte 0x{raw[exc.start]:02x} "
            f"at byte {exc.start})",
            where=f"{path}:{line}",
            next_step="save the file as UTF-8",
        )
    if isinstance(exc, OSError):
        return ConfigError(
            f"cannot read the configuration file: {exc.strerror}",
            where=str(path),
            next_step="check the path given with --config or TRANSFER_CONFIG",
        )
    at = re.search(r"at line (\d+)", str(exc))
    return ConfigError(
        f"the configuration file is not valid TOML: {exc}",
        where=f"{path}:{at.group(1)}" if at else str(path),
        next_step="fix the syntax (see transfer.example.toml)",
    )


def _read_config(path: Path, collect: Collect = None) -> tuple[dict[str, Any], dict[str, str]]:
    """The file's settings by key, and where each stands (``file:line (key)``). With
    ``collect``, problems are added to it and the bad settings left out, instead of one
    error naming them all."""
    raw: bytes | None = None
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        table = tomllib.loads(text)
    except (UnicodeDecodeError, OSError, tomllib.TOMLDecodeError) as exc:
        error = _unreadable(path, raw, exc)
        if collect is None:
            raise error from None
        collect.append(SettingProblem("", error.where, error.what, error.next_step))
        return {}, {}
    flat = _flatten(table)
    places: dict[str, str] = {}
    problems: list[Problem] = []
    for key, raw_value in flat.items():
        line = _line_of(text, key)
        where = places[key] = f"{path}:{line} ({key})"
        problem = _file_problem(key, raw_value, where)
        if problem is not None:
            problems.append(Problem(path, line, problem[0], key, problem[1]))
    if collect is None:
        if problems:
            raise ConfigProblems(
                problems,
                f"the configuration file {path}",
                "fix the settings named above; `transfer config show` lists every setting",
            )
        return flat, places
    for found in problems:
        option = OPTIONS_BY_KEY.get(found.key)
        collect.append(
            SettingProblem(
                found.key,
                f"{found.file}:{found.line}",
                found.message,
                found.hint,
                _written(found.key, flat[found.key]),
                known=option is not None,
            )
        )
        del flat[found.key]
    return flat, places


def _written(key: str, raw: Any) -> str:
    """A value as written in the file, for showing: masked when it is, or may be, a
    secret (a mistyped ``pasword`` is still a password)."""
    option = OPTIONS_BY_KEY.get(key)
    if option is None:  # an unknown key is taken for the setting it is nearest to
        near = closest(key, OPTIONS_BY_KEY)
        option = OPTIONS_BY_KEY[near] if near is not None else None
    leaf = key.rsplit(".", 1)[-1].lower()
    secretive = is_credential_parameter(leaf) or any(
        word in leaf for word in ("pas", "pwd", "secret", "token", "key", "credential", "auth")
    )
    if secretive or key == "target.url" or (option is not None and option.secret):
        return "***"
    return redact(str(raw))


def _file_problem(key: str, raw: Any, where: str) -> tuple[str, str] | None:
    """What is wrong with ``key = raw`` in the file (message, hint), or None."""
    option = OPTIONS_BY_KEY.get(key)
    if option is None:
        near = suggest(key, OPTIONS_BY_KEY)
        return f"unknown setting {key!r}{near}", "" if near else "remove it"
    if option.secret:
        return f"{key} is a secret and may not be in a file", f"set {option.env} instead"
    try:
        value = _convert(option, raw, where)
        if key == "target.url" and _url_credentials(str(value), where):
            return (
                "target.url carries a password (in the user part or the query), and secrets "
                "may not be in a file",
                "remove the password from the URL and set TRANSFER_TARGET_PASSWORD",
            )
    except ConfigError as exc:
        return exc.what, ""
    return None


def _url_credentials(url: str, where: str) -> list[str]:
    """The credentials inside a database URL: the userinfo password and the values of
    credential-like query parameters (libpq reads ``?password=`` and ``?sslpassword=``)."""
    if not url:
        return []
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            f"target.url is not a database URL: {redact(url)!r}",
            where=where,
            next_step="use e.g. sqlite:///path/target.db or "
            "postgresql+psycopg://user@host:5432/keha",
        ) from None
    found = [parsed.password] if parsed.password else []
    for name, value in parsed.query.items():
        if is_credential_parameter(name):
            found.extend([value] if isinstance(value, str) else list(value))
    return [str(value) for value in found if value]


def load_settings(
    config_file: Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Merge defaults, the config file, the environment and flags, in that precedence.

    ``config_file`` None means ``$TRANSFER_CONFIG`` or ``./transfer.toml`` when it exists.
    ``overrides`` are command-line values by option key (``None`` values are ignored).
    Raises ConfigError on the first layer with problems (a file's all at once).
    """
    return _merge(config_file, env, overrides, None)


def inspect_settings(
    config_file: Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> tuple[Settings, list[SettingProblem]]:
    """Like :func:`load_settings`, but never stops at a problem: each bad value is left
    out (its setting keeps the value of the layer below) and listed, with every unknown
    key, so ``config show`` can show the effective settings of a broken file."""
    problems: list[SettingProblem] = []
    return _merge(config_file, env, overrides, problems), problems


def _merge(
    config_file: Path | None,
    env: Mapping[str, str] | None,
    overrides: Mapping[str, Any] | None,
    collect: Collect,
) -> Settings:
    env = os.environ if env is None else env
    if config_file is None:
        named = env.get(ENV_PREFIX + "CONFIG")
        if named:
            config_file = Path(named)
        elif DEFAULT_CONFIG_FILE.is_file():
            config_file = DEFAULT_CONFIG_FILE
    file_values, file_places = _read_config(config_file, collect) if config_file else ({}, {})

    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for option in OPTIONS:
        value, origin = option.default, "default"
        layers: list[tuple[Any, str, str]] = []
        if option.key in file_values:
            layers.append((file_values[option.key], file_places[option.key], "file"))
        if option.env in env and env[option.env] != "":
            layers.append((env[option.env], f"env {option.env}", "env"))
        flag = (overrides or {}).get(option.key)
        if flag is not None:
            layers.append((flag, "flag", "flag"))
        for raw, where, layer in layers:
            try:
                converted = _layer_value(option, raw, where, layer)
            except ConfigError as exc:
                if collect is None:
                    raise
                shown = "***" if option.secret else _written(option.key, raw)
                collect.append(SettingProblem(option.key, where, exc.what, exc.next_step, shown))
                continue
            value = converted
            origin = f"file {config_file}" if layer == "file" else where

        values[option.key], origins[option.key] = value, origin

    for credential in _url_credentials(values["target.url"], origins["target.url"]):
        register_secret(credential)
    workspace = Path(values["workspace"])
    if not values["target.url"]:
        values["target.url"] = Workspace.at(workspace).default_target_url
    return Settings(
        workspace=workspace,
        logs_dir=Path(values["logs_dir"]),
        mappings_dir=Path(values["mappings_dir"]),
        target=TargetSettings(
            values["target.url"], values["target.password"], values["target.environment"]
        ),
        online_service=SourceSettings(
            values["sources.online_service.base_url"],
            values["sources.online_service.fetch_base"],
            parse_workers=values["sources.online_service.parse_workers"],
        ),
        partnership=SourceSettings(
            values["sources.partnership.base_url"],
            values["sources.partnership.fetch_base"],
            values["sources.partnership.username"],
            values["sources.partnership.password"],
            values["sources.partnership.client_id"],
            values["sources.partnership.client_secret"],
        ),
        http=HttpSettings(
            values["http.timeout_s"],
            values["http.concurrency"],
            values["http.max_attempts"],
            values["http.user_agent"],
            values["http.min_delay_s"],
            values["http.deadline_s"],
        ),
        config_file=config_file,
        values=values,
        origins=origins,
    )


def _layer_value(option: Option, raw: Any, where: str, layer: str) -> Any:
    """One layer's value of ``option``, checked; ConfigError says what is wrong with it."""
    if layer == "flag" and option.secret:
        raise ConfigError(
            f"{option.key} is a secret and cannot be given as a flag",
            next_step=f"set {option.env} in the environment",
        )
    value = _convert(option, raw, where)
    if option.key == "target.url":
        credentials = _url_credentials(str(value), where)
        if credentials and layer == "flag":
            raise ConfigError(
                "--target-url carries a password (in the user part or the query); secrets "
                "may not be given as flags",
                next_step="drop the password and set TRANSFER_TARGET_PASSWORD",
            )
    if layer == "env" and option.secret:
        register_secret(value)
        return Secret(value)
    return value
