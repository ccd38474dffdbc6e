"""Our crawler beside an independent Scrapy spider on the same sandbox (not a pass/fail test).

Scrapy is no dependency of the project: this bench installs a pinned version into a
throw-away virtual environment under ``.bench-venvs/`` (ignored by git; made once, reused),
writes an equivalent spider there and serves the sandbox, with added latency, in a process
of its own. The two crawlers then run in turns (ours, Scrapy's, ours, ...) at the same
concurrency against the same site: the same seeds, sitemap and robots.txt, the same
include/exclude rules, URL normalisation and depth limit taken from the source profile, the
same User-Agent and no delay, redirects and legacy hosts followed as our crawler does; the
spider extracts the profile's common fields with parsel CSS selectors and downloads the
attachments. Printed: each run's requests, records, seconds and CPU seconds, then the
medians, both rates and their ratio. If Scrapy cannot be installed, the bench says why and
stops without failing.

    .venv/bin/python bench/compare_scrapy.py [--scale 0.3] [--latency-ms 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))

from tests.extractors.crawl_helpers import crawl
from transfer.extractors.online_service import load_profile
from transfer.sandbox import SandboxSettings
from transfer.sandbox.process import serve_in_subprocess

ROOT = Path(__file__).parent.parent
SCRAPY_VERSION = "2.19.0"
VENV = ROOT / ".bench-venvs" / f"scrapy-{SCRAPY_VERSION}"

# The spider, run by `scrapy runspider`; its settings come from a JSON file the bench writes.
SPIDER = r"""
import hashlib
import json
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import scrapy
from w3lib.url import canonicalize_url

SKIP = ("javascript:", "mailto:", "tel:", "data:", "about:", "#")
FOLLOW = "a::attr(href), area::attr(href), link[rel=alternate]::attr(href), img::attr(src), " \
    "iframe::attr(src), source::attr(src)"


class SandboxSpider(scrapy.Spider):
    name = "sandbox"

    def __init__(self, config, **kwargs):
        super().__init__(**kwargs)
        with open(config, encoding="utf-8") as handle:
            self.config = c = json.load(handle)
        self.fetch_base = c["fetch_base"].rstrip("/")
        self.scheme, self.host = urlsplit(c["canonical"]).scheme, urlsplit(c["canonical"]).hostname
        self.aliases = set(c["aliases"])
        self.legacy = set(c["legacy_hosts"])
        self.include = [re.compile(p) for p in c["include"]]
        self.exclude = [re.compile(p) for p in c["exclude"]]
        self.keep = [re.compile(p) for p in c["keep_query"]]
        self.keep_with = [re.compile(p) for p in c["keep_query_with_kept"]]
        self.attachment = re.compile(c["attachment_path"])
        self.seen = set()
        self.failures = []
        self.sitemaps = set()
        self.counts = {"pages": 0, "attachments": 0, "redirects": 0, "gone": 0, "failed": 0}

    # -- addresses: one key per page, as the profile's rules make it
    def key(self, href, base):
        href = (href or "").strip()
        if not href or href.lower().startswith(SKIP):
            return None
        parts = urlsplit(urljoin(base, href))
        host = (parts.hostname or "").lower().rstrip(".")
        if parts.scheme not in ("http", "https") or not host:
            return None
        if host in self.legacy:
            scheme = parts.scheme
        elif host == self.host or host in self.aliases:
            scheme, host = self.scheme, self.host
        else:
            return None
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if any(p.search(k) for p in self.keep)]
        if kept:
            kept += [(k, v) for k, v in pairs
                     if any(p.search(k) for p in self.keep_with) and (k, v) not in kept]
        path = parts.path or "/"
        if len(path) > 1:
            path = path.rstrip("/") or "/"
        return canonicalize_url(urlunsplit((scheme, host, path, urlencode(kept), "")))

    def wanted(self, key):
        parts = urlsplit(key)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return any(p.search(target) for p in self.include) and not any(
            p.search(target) for p in self.exclude)

    def request(self, key, depth):
        if key in self.seen or depth > self.config["max_depth"] or not self.wanted(key):
            return None
        self.seen.add(key)
        parts = urlsplit(key)
        url = self.fetch_base + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return scrapy.Request(
            url, headers={"Host": parts.netloc}, callback=self.parse, errback=self.failed,
            dont_filter=True, meta={"key": key, "level": depth},
        )

    async def start(self):
        for seed in self.config["seeds"]:
            found = self.request(self.key(seed, self.config["canonical"] + "/"), 0)
            if found is not None:
                yield found
        for sitemap in self.config["sitemaps"]:
            self.sitemaps.add(sitemap)
            yield scrapy.Request(self.fetch_base + sitemap, callback=self.sitemap,
                                 dont_filter=True, meta={"level": 0})

    def sitemap(self, response):
        response.selector.remove_namespaces()
        for loc in response.xpath("//sitemap/loc/text()").getall():
            parts = urlsplit(loc.strip())  # as given: a sitemap's query (languageId) matters
            address = parts.path + (f"?{parts.query}" if parts.query else "")
            if address not in self.sitemaps:
                self.sitemaps.add(address)
                yield scrapy.Request(self.fetch_base + address, callback=self.sitemap,
                                     dont_filter=True, meta={"level": 0})
        for loc in response.xpath("//url/loc/text()").getall():
            key = self.key(loc, self.config["canonical"] + "/")
            found = self.request(key, 1) if key else None
            if found is not None:
                yield found

    def failed(self, failure):
        self.counts["failed"] += 1
        self.failures.append(f"{failure.request.url}: {failure.getErrorMessage()}"[:300])

    # -- answers
    def parse(self, response):
        key, depth = response.meta["key"], response.meta["level"]
        if 300 <= response.status < 400:
            self.counts["redirects"] += 1
            location = response.headers.get("Location", b"").decode("latin-1")
            target = self.key(location, key)
            found = self.request(target, depth) if target else None
            if found is not None:
                yield found
            return
        if response.status >= 400:
            self.counts["gone" if response.status in (404, 410) else "failed"] += 1
            return
        if self.attachment.search(urlsplit(key).path):
            self.counts["attachments"] += 1
            yield {"key": key, "kind": "attachment", "size": len(response.body),
                   "sha256": hashlib.sha256(response.body).hexdigest()}
            return
        if not isinstance(response, scrapy.http.TextResponse):
            return
        self.counts["pages"] += 1
        yield self.fields(key, response)
        for href in response.css(FOLLOW).getall():
            target = self.key(href, key)
            found = self.request(target, depth + 1) if target else None
            if found is not None:
                yield found

    def fields(self, key, page):
        def text(node):
            return " ".join(" ".join(node.css("::text").getall()).split())

        def first(css):
            found = page.css(css)
            return text(found[0]) if found else None

        main = page.css("#main-content")
        return {
            "key": key,
            "language": page.css("html::attr(lang)").get(),
            "title": first("h1.kt-title, h1.title-text"),
            "lead": first("#main-content .kt-lead"),
            "body": page.css("#main-content .kt-body, #main-content .entry-body").get(),
            "type_label": first(".kt-type-label"),
            "canonical": page.css("link[rel=canonical]::attr(href)").get(),
            "translations": [
                {"hreflang": link.attrib.get("hreflang"), "url": link.attrib.get("href")}
                for link in page.css("head link[rel=alternate][hreflang]")
            ],
            "easy_language": page.css(".kt-selko-link a::attr(href)").get(),
            "published": first(".kt-published, .entry-date"),
            "updated": first(".kt-updated"),
            "frozen": bool(page.css(".kt-frozen-notice")),
            "breadcrumb": [text(item) for item in page.css("#breadcrumbs .breadcrumb-item")],
            "contacts": [
                {
                    "name": text(contact.css(".kt-contact-name")),
                    "organisation": text(contact.css(".kt-contact-org")),
                    "phone": text(contact.css(".kt-contact-phone")),
                    "email": contact.css("[data-cfemail]::attr(data-cfemail)").get(),
                }
                for contact in page.css(".kt-more-info .kt-contact")
            ],
            "attachments": [
                {"title": text(link), "url": urljoin(key, link.attrib.get("href", ""))}
                for link in page.css(".kt-attachments a.kt-file")
            ],
            "links": sorted({
                target for target in (self.key(h, key) for h in main.css("a::attr(href)").getall())
                if target
            }),
        }

    def closed(self, reason):
        with open(self.config["out"], "w", encoding="utf-8") as handle:
            json.dump({"counts": self.counts, "failures": self.failures}, handle)
"""


@dataclass(frozen=True)
class Run:
    requests: int
    records: int
    seconds: float
    cpu_s: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def scrapy_python() -> Path | None:
    """The throw-away environment's Python with Scrapy in it, made when missing; None (and
    the reason printed) when it cannot be made."""
    python = VENV / "bin" / "python"
    probe = [str(python), "-c", "import scrapy; print(scrapy.__version__)"]
    if python.exists():
        done = subprocess.run(probe, capture_output=True, text=True, check=False)
        if done.returncode == 0 and done.stdout.strip() == SCRAPY_VERSION:
            return python
    print(f"installing scrapy=={SCRAPY_VERSION} into {VENV} (once)", flush=True)
    steps = [
        [sys.executable, "-m", "venv", "--clear", str(VENV)],
        [str(python), "-m", "pip", "install", "-q", f"scrapy=={SCRAPY_VERSION}"],
        probe,
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            why = (done.stderr or done.stdout).strip().splitlines()
            print(f"skipped: cannot install Scrapy ({' '.join(step[:4])}): {why[-1:] or '?'}")
            return None
    return python


def spider_config(folder: Path, online_url: str) -> Path:
    """The spider's settings, taken from the profile our crawler uses."""
    profile = load_profile(ROOT / "mappings" / "online_service" / "profile.yml")
    rules = profile.urls
    config = {
        "fetch_base": online_url,
        "canonical": rules.root,
        "aliases": sorted(rules.host_aliases),
        "legacy_hosts": sorted(rules.legacy_hosts),
        "include": [p.pattern for p in profile.include],
        "exclude": [p.pattern for p in profile.exclude],
        "keep_query": [p.pattern for p in rules.keep_query],
        "keep_query_with_kept": [p.pattern for p in rules.keep_query_with_kept],
        "attachment_path": profile.attachment_path.pattern,
        "seeds": list(profile.seeds),
        "sitemaps": list(profile.sitemaps),
        "max_depth": profile.max_depth,
        "out": str(folder / "counts.json"),
    }
    path = folder / "config.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    (folder / "spider.py").write_text(SPIDER, encoding="utf-8")
    return path


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_scrapy(
    python: Path, online_url: str, concurrency: int, user_agent: str, timeout_s: float
) -> Run:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        config = spider_config(folder, online_url)
        settings = {
            "CONCURRENT_REQUESTS": concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "ROBOTSTXT_OBEY": True,
            "USER_AGENT": user_agent,
            "REDIRECT_ENABLED": False,  # the spider follows redirects itself, as ours does
            "HTTPERROR_ALLOW_ALL": True,
            "RETRY_TIMES": 4,  # five attempts, as ours
            "DEPTH_LIMIT": 0,  # the spider counts depth as ours does
            "DOWNLOAD_TIMEOUT": timeout_s,  # ours: http.timeout_s
            "TELNETCONSOLE_ENABLED": False,
            "LOG_LEVEL": "ERROR",
        }
        command = [str(python), "-m", "scrapy", "runspider", str(folder / "spider.py")]
        command += ["-a", f"config={config}", "-o", str(folder / "items.jsonl")]
        for key, value in settings.items():
            command += ["-s", f"{key}={value}"]
        cpu, started = children_cpu_s(), time.monotonic()
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
        seconds, cpu = time.monotonic() - started, children_cpu_s() - cpu
        if done.returncode != 0:
            raise RuntimeError(f"scrapy failed: {done.stderr[-2000:]}")
        found = json.loads((folder / "counts.json").read_text(encoding="utf-8"))
        counts, failures = found["counts"], found["failures"]
        for failure in failures[:5]:
            print(f"    Scrapy failed: {failure}")
        with (folder / "items.jsonl").open(encoding="utf-8") as items:
            records = sum(1 for _ in items)
    return Run(sum(counts.values()), records, seconds, cpu)


def run_ours(online_url: str, concurrency: int) -> Run:
    with tempfile.TemporaryDirectory() as name:
        cpu, started = time.process_time(), time.monotonic()
        result = crawl(Path(name), online_url, concurrency=concurrency)
        seconds, cpu = time.monotonic() - started, time.process_time() - cpu
    return Run(result.stats.done, result.stats.fetched, seconds, cpu + result.stats.parse_cpu_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=0.3)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    python = scrapy_python()
    if python is None:
        return
    from transfer.config import load_settings

    http = load_settings(env={}).http
    print(
        f"sandbox scale {args.scale}, {args.latency_ms:.0f} ms added to every response, "
        f"concurrency {args.concurrency}, Scrapy {SCRAPY_VERSION}, {os.cpu_count()} cores"
    )
    print(
        f"{'crawler':>8} {'requests':>9} {'records':>8} {'seconds':>8} {'pages/s':>8} {'CPU s':>7}"
    )
    runs: dict[str, list[Run]] = {"ours": [], "scrapy": []}
    sandbox = SandboxSettings(scale=args.scale)
    with serve_in_subprocess(sandbox, f"latency_ms={args.latency_ms}") as (online_url, _):
        for _round in range(args.rounds):
            for name in ("ours", "scrapy"):
                run = (
                    run_ours(online_url, args.concurrency)
                    if name == "ours"
                    else run_scrapy(
                        python, online_url, args.concurrency, http.user_agent, http.timeout_s
                    )
                )
                runs[name].append(run)
                print(
                    f"{name:>8} {run.requests:>9} {run.records:>8} {run.seconds:>8.1f} "
                    f"{run.rate:>8.1f} {run.cpu_s:>7.1f}",
                    flush=True,
                )
    ours = statistics.median(run.rate for run in runs["ours"])
    theirs = statistics.median(run.rate for run in runs["scrapy"])
    ours_cpu = statistics.median(run.cpu_s / run.requests for run in runs["ours"])
    theirs_cpu = statistics.median(run.cpu_s / run.requests for run in runs["scrapy"])
    print(
        f"medians: ours {ours:.1f} pages/s, {ours_cpu * 1000:.1f} ms CPU/request; "
        f"Scrapy {theirs:.1f} pages/s, {theirs_cpu * 1000:.1f} ms CPU/request"
    )
    print(
        f"crawl vs Scrapy c={args.concurrency} +{args.latency_ms:.0f}ms: "
        f"{ours / theirs:.2f} times as fast, {ours_cpu / theirs_cpu:.2f} of its CPU per request "
        f"(requests: ours {runs['ours'][0].requests}, Scrapy {runs['scrapy'][0].requests})"
    )


if __name__ == "__main__":
    main()
