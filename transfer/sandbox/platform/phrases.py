"""Phrases for generated prose and titles (fi, sv, en): workspace topics, section and folder
names, sentence parts. The replica's own words; nothing is copied from the real site."""

from __future__ import annotations

#: Workspace names: {topic} {kind}, sometimes with a town or a year.
TOPICS = {
    "fi": (
        "Kotoutumisen kumppanuus",
        "Pakolaisten vastaanotto",
        "Kielikoulutus",
        "Digitalisaatio",
        "Työllisyys",
        "Nuoret ja perheet",
        "Osaamisen tunnistaminen",
        "Järjestöyhteistyö",
        "Alkukartoitus",
        "Asumisneuvonta",
        "Terveyspalvelut",
        "Kulttuuriorientaatio",
    ),
    "sv": (
        "Integrationspartnerskap",
        "Flyktingmottagning",
        "Språkutbildning",
        "Digitalisering",
        "Sysselsättning",
        "Unga och familjer",
        "Erkännande av kompetens",
        "Organisationssamarbete",
        "Inledande kartläggning",
        "Boenderådgivning",
        "Hälsotjänster",
        "Kulturorientering",
    ),
    "en": (
        "Integration partnership",
        "Refugee reception",
        "Language training",
        "Digitalisation",
        "Employment",
        "Young people and families",
        "Recognition of skills",
        "NGO cooperation",
        "Initial assessment",
        "Housing advice",
        "Health services",
        "Cultural orientation",
    ),
}
WORKSPACE_KINDS = {
    "fi": ("verkosto", "työryhmä", "hanke", "foorumi", "tapahtuma", "oppimisverkosto"),
    "sv": ("nätverk", "arbetsgrupp", "projekt", "forum", "evenemang", "lärandenätverk"),
    "en": ("network", "working group", "project", "forum", "event", "learning network"),
}
SECTION_TITLES = (
    "Yleinen keskustelu",
    "Tiedotteet",
    "Kokoukset",
    "Kysymykset ja vastaukset",
    "Materiaalipankki",
    "Allmän diskussion",
    "Ideat ja ehdotukset",
    "General discussion",
)
SUBSECTION_TITLES = ("Arkisto", "Alueelliset ryhmät", "Työpajat", "Palautteet")
FOLDER_NAMES = (
    "Kokousmuistiot",
    "Esitykset",
    "Raportit",
    "Lomakkeet",
    "Valokuvat",
    "Tallenteet",
    "Protokoll",
    "Materials",
)
SUBFOLDER_NAMES = ("2023", "2024", "Luonnokset", "Arkisto")

#: Sentence parts for generated Finnish, Swedish and English prose.
SUBJECTS = {
    "fi": (
        "Verkostomme",
        "Työryhmä",
        "Hankkeen ohjausryhmä",
        "Kunnan kotoutumistiimi",
        "Järjestöjen yhteistyöryhmä",
        "Seuraava kokous",
        "Uusi ohjausmalli",
        "Kyselymme",
    ),
    "sv": (
        "Vårt nätverk",
        "Arbetsgruppen",
        "Projektets styrgrupp",
        "Kommunens integrationsteam",
        "Nästa möte",
        "Den nya handledningsmodellen",
    ),
    "en": (
        "Our network",
        "The working group",
        "The steering group",
        "The municipal team",
        "The next meeting",
        "The new guidance model",
    ),
}
VERBS = {
    "fi": (
        "käsittelee",
        "kokoaa",
        "arvioi",
        "kehittää",
        "esittelee",
        "suunnittelee",
        "kartoittaa",
        "jakaa",
    ),
    "sv": ("behandlar", "samlar", "utvärderar", "utvecklar", "presenterar", "planerar"),
    "en": ("discusses", "collects", "evaluates", "develops", "presents", "plans"),
}
OBJECTS = {
    "fi": (
        "alkuvaiheen ohjausta",
        "kielikoulutuksen polkuja",
        "työllistymisen tukea",
        "vapaaehtoistoimintaa",
        "hyviä käytäntöjä",
        "palautekyselyn tuloksia",
        "perheiden palveluja",
        "yhteistä toimintasuunnitelmaa",
        "tiedonkulkua",
    ),
    "sv": (
        "den inledande handledningen",
        "språkutbildningens vägar",
        "stödet till sysselsättning",
        "goda praxis",
        "resultaten av enkäten",
    ),
    "en": (
        "early-stage guidance",
        "language-training paths",
        "employment support",
        "good practices",
        "the survey results",
        "the shared action plan",
    ),
}
WHENS = {
    "fi": (
        "ensi viikolla",
        "syksyn aikana",
        "tämän kuun lopussa",
        "seuraavassa tapaamisessa",
        "vuoden alussa",
        "etäyhteydellä",
    ),
    "sv": ("nästa vecka", "under hösten", "i slutet av månaden", "på distans"),
    "en": ("next week", "during the autumn", "at the end of the month", "online"),
}
HEADLINE_OPENERS = (
    "Kysymys:",
    "Tiedote:",
    "Kokouskutsu:",
    "Ehdotus:",
    "Kokemuksia:",
    "Fråga:",
    "Question:",
    "",
)
