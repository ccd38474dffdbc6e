"""Generated prose: sentences, headlines and HTML or BBCode message bodies."""

from __future__ import annotations

import random
import unicodedata

from transfer.sandbox.platform import phrases


def sentence(rng: random.Random, lang: str = "fi") -> str:
    """One grammatical-enough sentence in ``lang``."""
    return (
        f"{rng.choice(phrases.SUBJECTS[lang])} {rng.choice(phrases.VERBS[lang])} "
        f"{rng.choice(phrases.OBJECTS[lang])} {rng.choice(phrases.WHENS[lang])}."
    )


def paragraph(rng: random.Random, lang: str = "fi", sentences: int = 3) -> str:
    return " ".join(sentence(rng, lang) for _ in range(sentences))


def headline(rng: random.Random) -> str:
    """A discussion headline such as ``Ehdotus: tiedonkulkua syksyn aikana``."""
    opener = rng.choice(phrases.HEADLINE_OPENERS)
    words = f"{rng.choice(phrases.OBJECTS['fi'])} {rng.choice(phrases.WHENS['fi'])}"
    if not opener:
        return words[0].upper() + words[1:]
    return f"{opener} {words}"


def html_body(rng: random.Random, revision: int = 0) -> str:
    """An HTML message body as the message-board editor stores it."""
    parts = [f"<p>{paragraph(rng, 'fi', rng.randint(1, 3))}</p>"]
    if rng.random() < 0.3:
        items = "".join(
            f"<li>{rng.choice(phrases.OBJECTS['fi'])}</li>" for _ in range(rng.randint(2, 4))
        )
        parts.append(f"<ul>{items}</ul>")
    if rng.random() < 0.2:
        parts.append('<p>Lisätietoja: <a href="https://kotoutuminen.fi/">kotoutuminen.fi</a></p>')
    if revision:
        parts.append(f"<p><em>Muokattu ({revision}).</em></p>")
    return "".join(parts)


def bbcode_body(rng: random.Random, revision: int = 0) -> str:
    """A BBCode body, the format of the oldest migrated posts."""
    body = f"[b]{rng.choice(phrases.SUBJECTS['fi'])}[/b]\n{paragraph(rng, 'fi', 2)}"
    if revision:
        body += f"\n[i]Muokattu ({revision}).[/i]"
    return body


def ascii_slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens (``Työryhmä 2`` → ``tyoryhma-2``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    words = "".join(c if c.isalnum() else " " for c in plain).split()
    return "-".join(words)
