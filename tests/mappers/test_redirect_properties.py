"""Property tests of the redirect map: every old address covered, no chain, no loop, every
target in the URL plan, over generated sites with moved pages and alias chains."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from transfer.mappers.redirects import Hosts, build_redirects, follow, reserved_paths
from transfer.mappers.url_plan import Item, build_plan, load_spec

SPEC = load_spec(Path(__file__).resolve().parents[2] / "mappings/online_service/url_plan.yml")
HOSTS = Hosts("kotoutuminen.fi", ("www.kotoutuminen.fi",), ("kotouttaminen.fi", "integration.fi"))
slugs = st.text("abcäö-", min_size=1, max_size=6)
pages = st.lists(
    st.tuples(st.sampled_from(["", "/sv", "/en", "/-", "/sv/-"]), slugs), min_size=1, max_size=12
)


@settings(max_examples=150, deadline=None)
@given(pages, st.lists(st.tuples(slugs, st.integers(0, 30)), max_size=8), st.data())
def test_every_old_address_leads_to_a_planned_path(pages, moved, data) -> None:  # type: ignore[no-untyped-def]
    keys = sorted({f"https://kotoutuminen.fi{prefix}/{slug}" for prefix, slug in pages})
    aliases: dict[str, tuple[str, str]] = {}
    for slug, pick in moved:  # moved pages, some moved twice (chains), on any host
        host = data.draw(st.sampled_from(HOSTS.all))
        alias = f"https://{host}/old-{slug}"
        target = (list(aliases) + keys)[pick % (len(aliases) + len(keys))]
        # Re-pointing an alias must not close a loop through its own old entry: a crawl
        # records a redirect loop as a failure, never as aliases.
        others = {a: t for a, (t, _) in aliases.items() if a != alias}
        if alias != target and follow(target, others) != alias:
            aliases[alias] = (target, "redirect")
    kinds = dict.fromkeys(keys, "page")
    reserved = reserved_paths(keys, aliases, HOSTS, SPEC.site_host)
    plan = build_plan(
        SPEC,
        [Item(k, "page", "sv" if "/sv" in k else "en" if "/en" in k else "fi") for k in keys],
        reserved.get,
    )
    redirects = build_redirects(plan, HOSTS, aliases, kinds=kinds)
    planned = set(plan.paths.values())
    olds = keys + list(aliases)
    for url in olds:
        for scheme in ("http", "https"):
            for host in HOSTS.all:
                rest = url.split("/", 3)[3]
                for variant in (f"/{rest}", f"/{rest}/", f"/{rest}?t=123&utm_source=x"):
                    found = redirects.find(f"{scheme}://{host.upper()}{variant}")
                    assert found in planned, (url, host, variant)
    for (host, path), row in redirects.rows.items():
        assert row.new_path in planned
        assert row.target_key in plan.paths
        if host == SPEC.site_host:
            assert row.new_path != path  # no loop
        assert (SPEC.site_host, row.new_path) not in redirects.rows  # no chain
