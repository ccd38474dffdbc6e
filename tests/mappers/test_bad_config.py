"""Bad processor configuration is refused with the key and the reason."""

from __future__ import annotations

import pytest

from transfer.errors import MappingError
from transfer.mappers.validate import build_step


@pytest.mark.parametrize(
    ("name", "config", "message"),
    [
        ("get", None, "get needs the key 'path'"),
        ("get", {"pth": "key"}, "unknown key 'pth' of get (did you mean 'path'?)"),
        ("get", "nowhere.x", "must start at one of"),
        ("get", 3, "get.path must be string, not 3"),
        ("default", {}, "give exactly one of value or path"),
        ("default", {"value": 1, "path": "key"}, "give exactly one of value or path"),
        ("concat", {"paths": "fields.a"}, "concat.paths must be list"),
        ("concat", {"paths": ["bad.root"]}, "must start at one of"),
        ("split", {}, "split needs the key 'delimiter'"),
        ("split", {"delimiter": ",", "strip": "yes"}, "split.strip must be boolean"),
        ("regex", "([a-z", "not a valid regular expression"),
        ("regex", {"pattern": "(a)", "group": 2}, "has only 1 group"),
        ("regex", {"pattern": "(a)", "group": "x"}, "no group named 'x'"),
        ("regex", {"pattern": "a", "no_match": "ignore"}, "must be one of null, keep, error"),
        ("static_map", {}, "give exactly one of map or map_file"),
        ("static_map", {"map": {}, "unknown": "drop"}, "must be one of error, keep, default"),
        ("static_map", {"map": {}, "unknown": "default"}, "needs a default value"),
        ("static_map", "fi: x", "takes a mapping of keys"),
        ("lookup", {}, "lookup needs the key 'migration'"),
        ("lookup", {"migration": []}, "non-empty list"),
        ("lookup", {"migration": "a", "stub": "true"}, "lookup.stub must be boolean"),
        ("parse_date", "finnish", "must be one of auto, local, iso"),
        ("parse_date", {"timezone": "Europe/Turku"}, "unknown time zone"),
        ("html_clean", {"tags": "p"}, "html_clean.tags must be list"),
        ("html_clean", {"allow": ["p"]}, "unknown key 'allow' of html_clean"),
        ("html_to_text", {"separator": 1}, "must be string"),
        ("rewrite_links", {"unknown": "drop"}, "must be one of keep, unlink"),
        ("slugify", {"max_length": 0}, "must be at least 1"),
        ("slugify", {"max_length": True}, "slugify.max_length must be integer"),
        ("language", {"map": ["x"]}, "language.map must be mapping"),
        ("decode_email", {"invalid": "keep"}, "must be one of error, null"),
        ("from_plan", "url", "must be one of item_id"),
        ("from_plan", {}, "from_plan needs the key 'name'"),
    ],
)
def test_bad_configuration(name: str, config: object, message: str) -> None:
    with pytest.raises(MappingError) as caught:
        build_step(name, config)
    assert message in str(caught.value)


def test_unknown_processor_suggests_the_nearest() -> None:
    with pytest.raises(MappingError, match="did you mean 'html_clean'"):
        build_step("html_cleen", {})
