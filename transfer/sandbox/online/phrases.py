"""Sentence banks for body text, one per language plus easy Finnish.

Each template's slots take words already inflected for that slot, so Finnish sentences stay
grammatical without a morphology engine. Written for the replica; nothing is copied.
"""

from __future__ import annotations

import random

Bank = dict[str, tuple[str, ...]]

FI: Bank = {
    "actor": (
        "Kunta",
        "Hyvinvointialue",
        "Kotoutumisen osaamiskeskus",
        "Työvoimaviranomainen",
        "Järjestö",
        "Oppilaitos",
        "Ohjaaja",
        "Alueellinen verkosto",
        "KEHA-keskus",
        "Kotoutumisen asiantuntija",
    ),
    "verb": (
        "tukee",
        "kehittää",
        "arvioi",
        "järjestää",
        "suunnittelee",
        "seuraa",
        "edistää",
        "koordinoi",
        "selvittää",
        "vahvistaa",
    ),
    "object": (
        "kielikoulutusta",
        "monikielistä neuvontaa",
        "osaamisen tunnistamista",
        "työllistymistä",
        "paikallista yhteistyötä",
        "alkukartoituksia",
        "kotoutumissuunnitelmien laatimista",
        "palveluohjausta",
        "nuorten harrastuksia",
        "vanhempien osallisuutta",
        "tiedonkulkua",
        "kotoutumisen seurantaa",
    ),
    "adverbial": (
        "yhdessä järjestöjen kanssa",
        "osana kotoutumisohjelmaa",
        "vuoden 2025 aikana",
        "alueellisesti",
        "asiakkaan tarpeiden mukaan",
        "uuden lain pohjalta",
        "verkostojen tuella",
        "kaikissa kunnissa",
        "verkossa ja paikan päällä",
        "pitkäjänteisesti",
    ),
    "adjective": ("tärkeä", "keskeinen", "olennainen", "luonteva"),
    "whole": (
        "kotoutumista",
        "palvelukokonaisuutta",
        "alueellista yhteistyötä",
        "kunnan palveluita",
    ),
    "goal": (
        "jokainen saa tarvitsemansa tiedon",
        "palvelut ovat saavutettavia",
        "asiakas pääsee nopeasti alkuun",
        "osaaminen tunnistetaan varhain",
        "tieto kulkee viranomaisten välillä",
    ),
    "source": (
        "kunnan kotoutumispalveluista",
        "alueen verkostolta",
        "tämän sivuston oppaista",
        "osaamiskeskuksen asiantuntijoilta",
    ),
    "templates": (
        "{actor} {verb} {object} {adverbial}.",
        "{topic} on {adjective} osa {whole}.",
        "Tavoitteena on, että {goal}.",
        "Lisätietoa saat {source}.",
        "{actor} {verb} myös {object}.",
    ),
    "heading": (
        "Taustaa",
        "Keskeiset asiat",
        "Käytännön toteutus",
        "Vastuut ja roolit",
        "Mitä seuraavaksi",
        "Hyödyllisiä linkkejä",
    ),
    "see_also": ("Katso myös",),
}

SV: Bank = {
    "actor": (
        "Kommunen",
        "Välfärdsområdet",
        "Kompetenscentret för integration",
        "Arbetskraftsmyndigheten",
        "Organisationen",
        "Läroanstalten",
        "Handledaren",
        "Det regionala nätverket",
        "KEHA-centret",
        "Integrationsexperten",
    ),
    "verb": (
        "stöder",
        "utvecklar",
        "utvärderar",
        "ordnar",
        "planerar",
        "följer upp",
        "främjar",
        "samordnar",
        "utreder",
        "stärker",
    ),
    "object": (
        "språkutbildningen",
        "den flerspråkiga rådgivningen",
        "erkännandet av kompetens",
        "sysselsättningen",
        "det lokala samarbetet",
        "de inledande kartläggningarna",
        "integrationsplanerna",
        "servicehandledningen",
        "ungas fritid",
        "föräldrarnas delaktighet",
        "informationsflödet",
        "uppföljningen av integrationen",
    ),
    "adverbial": (
        "tillsammans med organisationerna",
        "som en del av integrationsprogrammet",
        "under år 2025",
        "regionalt",
        "enligt kundens behov",
        "utifrån den nya lagen",
        "med stöd av nätverken",
        "i alla kommuner",
        "på nätet och på plats",
        "långsiktigt",
    ),
    "adjective": ("viktig", "central", "väsentlig", "naturlig"),
    "whole": ("integrationen", "servicehelheten", "det regionala samarbetet", "kommunens tjänster"),
    "goal": (
        "alla får den information de behöver",
        "tjänsterna är tillgängliga",
        "kunden snabbt kommer igång",
        "kompetensen erkänns tidigt",
        "informationen löper mellan myndigheterna",
    ),
    "source": (
        "av kommunens integrationstjänster",
        "av det regionala nätverket",
        "i guiderna på denna webbplats",
        "av kompetenscentrets experter",
    ),
    "templates": (
        "{actor} {verb} {object} {adverbial}.",
        "{topic} är en {adjective} del av {whole}.",
        "Målet är att {goal}.",
        "Mer information får du {source}.",
        "{actor} {verb} också {object}.",
    ),
    "heading": (
        "Bakgrund",
        "Det viktigaste",
        "Genomförande",
        "Ansvar och roller",
        "Vad händer härnäst",
        "Nyttiga länkar",
    ),
    "see_also": ("Se även",),
}

EN: Bank = {
    "actor": (
        "The municipality",
        "The wellbeing services county",
        "The competence centre",
        "The employment authority",
        "The organisation",
        "The educational institution",
        "The counsellor",
        "The regional network",
        "The KEHA Centre",
        "The integration expert",
    ),
    "verb": (
        "supports",
        "develops",
        "evaluates",
        "organises",
        "plans",
        "monitors",
        "promotes",
        "coordinates",
        "examines",
        "strengthens",
    ),
    "object": (
        "language training",
        "multilingual guidance",
        "the recognition of skills",
        "employment",
        "local cooperation",
        "initial assessments",
        "integration plans",
        "service guidance",
        "leisure activities for young people",
        "the participation of parents",
        "the flow of information",
        "the monitoring of integration",
    ),
    "adverbial": (
        "together with NGOs",
        "as part of the integration programme",
        "during 2025",
        "regionally",
        "according to the client's needs",
        "on the basis of the new Act",
        "with the support of networks",
        "in all municipalities",
        "online and on site",
        "over the long term",
    ),
    "adjective": ("an important", "a central", "an essential", "a natural"),
    "whole": ("integration", "the service package", "regional cooperation", "municipal services"),
    "goal": (
        "everyone gets the information they need",
        "services are accessible",
        "clients can get started quickly",
        "skills are recognised early",
        "information flows between authorities",
    ),
    "source": (
        "from the municipal integration services",
        "from the regional network",
        "in the guides on this website",
        "from the experts of the competence centre",
    ),
    "templates": (
        "{actor} {verb} {object} {adverbial}.",
        "{topic} is {adjective} part of {whole}.",
        "The aim is that {goal}.",
        "You can get more information {source}.",
        "{actor} also {verb} {object}.",
    ),
    "heading": (
        "Background",
        "Key points",
        "Implementation",
        "Responsibilities and roles",
        "What happens next",
        "Useful links",
    ),
    "see_also": ("See also",),
}

SELKO: Bank = {
    "templates": (
        "Kunta auttaa sinua.",
        "Voit kysyä apua {place}.",
        "{topic} on tärkeä asia.",
        "Ohjaaja kertoo sinulle palveluista.",
        "Voit opiskella suomea.",
        "Saat tietoa omalla kielelläsi.",
        "Tarvitset oleskeluluvan.",
        "Voit varata ajan {place}.",
        "Palvelu on maksuton.",
        "Kysy, jos et ymmärrä.",
    ),
    "place": ("kunnan palvelupisteessä", "puhelimessa", "verkossa", "kirjastossa"),
    "heading": ("Mikä tämä on?", "Kuka voi saada apua?", "Mistä saan apua?", "Muista nämä"),
    "see_also": ("Lue myös",),
}

BANKS: dict[str, Bank] = {"fi": FI, "sv": SV, "en": EN, "fi-x-selko": SELKO}


def sentence(bank: Bank, rand: random.Random, topic: str) -> str:
    """One sentence from the bank, every slot filled from its own word list."""
    template = rand.choice(bank["templates"])
    values = {key: rand.choice(words) for key, words in bank.items() if f"{{{key}}}" in template}
    values["topic"] = topic
    text = template.format(**values)
    return text[0].upper() + text[1:]


def paragraph(bank: Bank, rand: random.Random, topic: str, sentences: int) -> str:
    """Several sentences joined into one paragraph."""
    return " ".join(sentence(bank, rand, topic) for _ in range(sentences))
