from __future__ import annotations

from pathlib import Path

import pytest

from transfer.config import OPTIONS, inspect_settings, load_settings
from transfer.errors import ConfigError
from transfer.redaction import Secret, redact


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults(workspace: Path) -> None:
    settings = load_settings(env={})
    assert settings.workspace == Path(".transfer")
    assert settings.target.url == "sqlite:///.transfer/target.db"
    assert settings.http.concurrency == 4
    assert all(origin == "default" for origin in settings.origins.values())


def test_precedence_default_file_env_flag(workspace: Path) -> None:
    config = write(
        workspace / "transfer.toml",
        '[http]\nconcurrency = 6\ntimeout_s = 10\n[target]\nenvironment = "staging"\n',
    )
    env = {"TRANSFER_HTTP_CONCURRENCY": "8", "TRANSFER_TARGET_ENVIRONMENT": "production"}
    settings = load_settings(
        config, env=env, overrides={"target.environment": "staging", "workspace": None}
    )
    assert settings.http.timeout_s == 10.0
    assert settings.origins["http.timeout_s"] == f"file {config}"
    assert settings.http.concurrency == 8
    assert settings.origins["http.concurrency"] == "env TRANSFER_HTTP_CONCURRENCY"
    assert settings.target.environment == "staging"
    assert settings.origins["target.environment"] == "flag"
    assert settings.origins["workspace"] == "default"


def test_transfer_toml_in_current_folder_is_found(workspace: Path) -> None:
    write(workspace / "transfer.toml", 'workspace = "elsewhere"\n')
    assert load_settings(env={}).workspace == Path("elsewhere")


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("[http]\nconcurrency = 4\nconcurency = 5\n", "unknown setting 'http.concurency'", 3),
        ('[target]\npassword = "x"\n', "target.password is a secret", 2),
        ('\n[target]\nurl = "postgresql+psycopg://u:pw@h/db"\n', "carries a password", 3),
        ('[http]\nconcurrency = "many"\n', "http.concurrency must be a int", 0),
        ("[http]\nconcurrency = 0\n", "must be positive", 0),
        ('[target]\nenvironment = "prod"\n', "must be one of rehearsal, staging, production", 0),
        ("[http\n", "not valid TOML", 0),
    ],
)
def test_bad_file_names_file_line_and_key(
    workspace: Path, text: str, message: str, line: int
) -> None:
    config = write(workspace / "bad.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_settings(config, env={})
    assert message in str(caught.value)
    assert str(config) in str(caught.value)
    if line:
        assert f"{config}:{line}" in caught.value.where


def test_bad_env_value_names_the_variable(workspace: Path) -> None:
    with pytest.raises(ConfigError, match="TRANSFER_HTTP_TIMEOUT_S"):
        load_settings(env={"TRANSFER_HTTP_TIMEOUT_S": "soon"})


def test_missing_config_file(workspace: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the configuration file"):
        load_settings(workspace / "nope.toml", env={})


def test_secrets_only_from_env_and_redacted(workspace: Path) -> None:
    env = {
        "TRANSFER_SOURCES_PARTNERSHIP_PASSWORD": "correct-horse-battery",
        "TRANSFER_TARGET_PASSWORD": "pg-secret-123",
    }
    settings = load_settings(env=env)
    assert isinstance(settings.partnership.password, Secret)
    assert settings.partnership.password.reveal() == "correct-horse-battery"
    assert "correct-horse-battery" not in f"{settings.partnership.password}"
    assert "correct-horse-battery" not in repr(settings)
    shown = {key: value for key, value, _ in settings.describe()}
    assert shown["sources.partnership.password"] == "*** (set)"
    assert shown["target.password"] == "*** (set)"
    assert redact("login with correct-horse-battery") == "login with ***"
    with pytest.raises(ConfigError, match="cannot be given as a flag"):
        load_settings(env={}, overrides={"target.password": "x"})


def test_password_in_target_url_flag_is_refused_but_env_is_masked(workspace: Path) -> None:
    with pytest.raises(ConfigError, match="secrets may not be given as flags"):
        load_settings(env={}, overrides={"target.url": "postgresql+psycopg://u:topsecret1@h/db"})
    settings = load_settings(env={"TRANSFER_TARGET_URL": "postgresql+psycopg://u:topsecret2@h/db"})
    assert "topsecret2" not in {k: v for k, v, _ in settings.describe()}["target.url"]
    assert redact("error at topsecret2") == "error at ***"


def test_every_option_has_help_and_env_name() -> None:
    for option in OPTIONS:
        assert option.help
        assert option.env.startswith("TRANSFER_")
    assert len({option.env for option in OPTIONS}) == len(OPTIONS)


BROKEN = """\
[http]
timout_s = 3
concurrency = "many"
max_attempts = 7

[sources.partnership]
pasword = "hunter2"
"""


def test_inspect_settings_keeps_the_good_values_and_lists_every_problem(workspace: Path) -> None:
    config = write(workspace / "transfer.toml", BROKEN)
    with pytest.raises(ConfigError):
        load_settings(config, env={})
    settings, problems = inspect_settings(config, env={"TRANSFER_HTTP_TIMEOUT_S": "soon"})
    assert settings.http.max_attempts == 7  # the good value of the file
    assert settings.http.concurrency == 4  # the bad one leaves the default
    assert settings.http.timeout_s == 30.0  # the bad variable too
    found = {(p.key, p.where, p.known) for p in problems}
    assert found == {
        ("http.timout_s", f"{config}:2", False),
        ("http.concurrency", f"{config}:3", True),
        ("sources.partnership.pasword", f"{config}:7", False),
        ("http.timeout_s", "env TRANSFER_HTTP_TIMEOUT_S", True),
    }
    by_key = {p.key: p for p in problems}
    assert "did you mean 'http.timeout_s'?" in by_key["http.timout_s"].message
    assert by_key["http.timout_s"].value == "3"
    assert by_key["sources.partnership.pasword"].value == "***"  # a mistyped secret is one


def test_inspect_settings_of_a_file_that_is_not_toml(workspace: Path) -> None:
    config = write(workspace / "transfer.toml", "[http\n")
    settings, problems = inspect_settings(config, env={"TRANSFER_HTTP_CONCURRENCY": "2"})
    assert settings.http.concurrency == 2
    assert [(p.key, p.where) for p in problems] == [("", f"{config}:1")]
    assert "not valid TOML" in problems[0].message
