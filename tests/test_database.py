from __future__ import annotations

import socket

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from tests.conftest import pg_url_with_password
from transfer.config import TargetSettings
from transfer.database import create_target_engine, display_url, ping, target_url
from transfer.errors import TargetDatabaseError
from transfer.redaction import Secret


def test_ping_on_both_engines(engine: Engine) -> None:
    answer = ping(engine)
    assert answer.split()[0] in {"sqlite", "postgresql"}
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE probe (id INTEGER PRIMARY KEY, name TEXT)"))
        connection.execute(text("INSERT INTO probe (id, name) VALUES (1, 'ä ö å')"))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM probe")).scalar_one() == "ä ö å"


def test_password_from_environment_is_filled_in_and_hidden() -> None:
    target = TargetSettings(
        "postgresql+psycopg://keha@db.example:5432/keha", Secret("s3cret-pass"), "staging"
    )
    url = target_url(target)
    assert url.password == "s3cret-pass"
    assert "s3cret-pass" not in display_url(url)
    assert "***" in display_url(url)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_unreachable_postgres_names_url_and_next_step() -> None:
    url = f"postgresql+psycopg://keha:hidden-pw-1@127.0.0.1:{free_port()}/keha"
    engine = create_target_engine(url)
    with pytest.raises(TargetDatabaseError) as caught:
        ping(engine)
    message = str(caught.value)
    assert "unreachable" in message
    assert "127.0.0.1" in message
    assert "hidden-pw-1" not in message
    assert caught.value.exit_code == 7


@pytest.mark.postgres
def test_wrong_password_on_real_postgres() -> None:
    url = make_url(pg_url_with_password()).set(password="wrong-password-9")
    engine = create_target_engine(url)
    with pytest.raises(TargetDatabaseError) as caught:
        ping(engine)
    message = str(caught.value)
    assert "refused the login" in message
    assert "TRANSFER_TARGET_PASSWORD" in message
    assert "wrong-password-9" not in message
    assert "***" in message
