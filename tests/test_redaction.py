"""What ``redact`` masks without any registered secret: URL passwords and credential-like
query parameters, wherever they are in the text, and nothing else."""

from __future__ import annotations

import pytest

from transfer.redaction import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgresql://keha:pw-1234@db:5432/keha", "postgresql://keha:***@db:5432/keha"),
        ("see https://u:p@host/x and more", "see https://u:***@host/x and more"),
        ("https://host/x?token=abc123&page=2", "https://host/x?token=***&page=2"),
        ("GET /o?page=1&ACCESS_TOKEN=zz;x", "GET /o?page=1&ACCESS_TOKEN=***;x"),
        ("mail info@example.test, a=b", "mail info@example.test, a=b"),
        ("plain text with no markers", "plain text with no markers"),
        ("", ""),
    ],
)
def test_redact_masks_url_passwords_and_query_credentials(text: str, expected: str) -> None:
    assert redact(text) == expected
