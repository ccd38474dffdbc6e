"""robots.txt, as modern crawlers read it (wildcards, ``$``, Allow), via Protego."""

from __future__ import annotations

from protego import Protego


class Robots:
    """The rules of one site for our user agent."""

    def __init__(self, text: str, user_agent: str) -> None:
        self._rules = Protego.parse(text)
        self.user_agent = user_agent

    @classmethod
    def allow_all(cls, user_agent: str) -> Robots:
        return cls("", user_agent)

    def allowed(self, url: str) -> bool:
        return bool(self._rules.can_fetch(url, self.user_agent))

    @property
    def crawl_delay_s(self) -> float | None:
        delay = self._rules.crawl_delay(self.user_agent)
        return float(delay) if delay is not None else None

    @property
    def sitemaps(self) -> list[str]:
        return list(self._rules.sitemaps)
