"""The replica's own word lists, written for it: topics, qualifiers and headlines.

Entries are aligned triples ``(fi, sv, en)``, so a translation group picks one index and each
language spells the same idea in its own words; slugs made from them share nothing across
languages, as on the real site. No text here is taken from the real service.
"""

from __future__ import annotations

Triple = tuple[str, str, str]

LANGS: tuple[str, ...] = ("fi", "sv", "en")

TOPICS: tuple[Triple, ...] = (
    ("Kotoutumissuunnitelma", "Integrationsplan", "Integration plan"),
    ("Kotoutumiskoulutus", "Integrationsutbildning", "Integration training"),
    ("Kielikoulutus", "Språkutbildning", "Language training"),
    ("Alkukartoitus", "Inledande kartläggning", "Initial assessment"),
    ("Monikielinen neuvonta", "Flerspråkig rådgivning", "Multilingual guidance"),
    ("Kuntakorvaukset", "Ersättningar till kommuner", "Compensation to municipalities"),
    ("Kuntaan osoittaminen", "Anvisning till kommuner", "Municipal placement"),
    ("Ilman huoltajaa tulleet lapset", "Barn utan vårdnadshavare", "Unaccompanied minors"),
    ("Työllisyyspalvelut", "Sysselsättningstjänster", "Employment services"),
    ("Osaamisen tunnistaminen", "Erkännande av kompetens", "Recognition of skills"),
    ("Kotoutumisen seuranta", "Uppföljning av integration", "Monitoring of integration"),
    ("Kumppanuusohjelma", "Partnerskapsprogrammet", "Partnership programme"),
    ("Järjestöyhteistyö", "Samarbete med organisationer", "Cooperation with NGOs"),
    ("Kotoutumisohjelma", "Integrationsprogram", "Integration programme"),
    ("Yhdenvertaisuus", "Likabehandling", "Equal treatment"),
    ("Rasismin vastainen työ", "Arbete mot rasism", "Anti-racism work"),
    ("Aikuisten perusopetus", "Grundläggande utbildning för vuxna", "Basic education for adults"),
    ("Lukutaitokoulutus", "Läs- och skrivutbildning", "Literacy training"),
    ("Ohjaus ja neuvonta", "Vägledning och rådgivning", "Guidance and counselling"),
    ("Asuminen", "Boende", "Housing"),
    ("Terveyspalvelut", "Hälsotjänster", "Health services"),
    (
        "Lasten ja nuorten kotoutuminen",
        "Barns och ungas integration",
        "Integration of young people",
    ),
    ("Vanhempien tuki", "Stöd för föräldrar", "Support for parents"),
    ("Tulkkaus", "Tolkning", "Interpreting"),
    ("Kotoutumisen tilastot", "Integrationsstatistik", "Integration statistics"),
    ("Alueellinen yhteistyö", "Regionalt samarbete", "Regional cooperation"),
    ("Maahanmuuton ennakointi", "Prognoser för invandring", "Migration forecasting"),
    ("Vastaanottokeskukset", "Förläggningar", "Reception centres"),
    ("Kiintiöpakolaiset", "Kvotflyktingar", "Quota refugees"),
    ("Tilapäinen suojelu", "Tillfälligt skydd", "Temporary protection"),
    ("Digitaaliset palvelut", "Digitala tjänster", "Digital services"),
    ("Hyvät käytännöt", "God praxis", "Good practices"),
    ("Hankkeet ja kehittäminen", "Projekt och utveckling", "Projects and development"),
    ("Oikeudellinen neuvonta", "Juridisk rådgivning", "Legal advice"),
    ("Koulutuspolut", "Utbildningsvägar", "Education pathways"),
    ("Yrittäjyys", "Företagande", "Entrepreneurship"),
    ("Vapaaehtoistoiminta", "Frivilligverksamhet", "Volunteering"),
    ("Kulttuuri ja vapaa-aika", "Kultur och fritid", "Culture and leisure"),
    ("Perheenyhdistäminen", "Familjeåterförening", "Family reunification"),
    ("Kotoutumisen rahoitus", "Finansiering av integration", "Funding for integration"),
    ("Arviointi ja tutkimus", "Utvärdering och forskning", "Evaluation and research"),
    ("Työelämätaidot", "Arbetslivsfärdigheter", "Working life skills"),
)

QUALIFIERS: tuple[Triple, ...] = (
    ("kunnissa", "i kommunerna", "in municipalities"),
    ("työpaikoilla", "på arbetsplatser", "at workplaces"),
    ("ammattilaisille", "för yrkesverksamma", "for professionals"),
    ("käytännössä", "i praktiken", "in practice"),
    ("Uudellamaalla", "i Nyland", "in Uusimaa"),
    ("Varsinais-Suomessa", "i Egentliga Finland", "in Southwest Finland"),
    ("Pirkanmaalla", "i Birkaland", "in Pirkanmaa"),
    ("Pohjanmaalla", "i Österbotten", "in Ostrobothnia"),
    ("Lapissa", "i Lappland", "in Lapland"),
    ("Kainuussa", "i Kajanaland", "in Kainuu"),
    ("ja järjestöt", "och organisationerna", "and NGOs"),
    ("digitaalisesti", "digitalt", "online"),
    ("lapsiperheille", "för barnfamiljer", "for families with children"),
    ("nuorille", "för unga", "for young people"),
    ("ikääntyneille", "för äldre", "for older people"),
    ("uuden lain mukaan", "enligt den nya lagen", "under the new Act"),
    ("tiivistetysti", "i korthet", "in brief"),
    ("hyvinvointialueilla", "i välfärdsområdena", "in wellbeing services counties"),
    ("oppilaitoksissa", "vid läroanstalter", "at educational institutions"),
    ("työnantajille", "för arbetsgivare", "for employers"),
)

NEWS_HEADS: tuple[Triple, ...] = (
    ("uusi opas julkaistu", "ny guide publicerad", "new guide published"),
    ("haku avautuu", "ansökan öppnar", "call for applications opens"),
    ("kysely ammattilaisille", "enkät till yrkesverksamma", "survey for professionals"),
    ("tallenne katsottavissa", "inspelningen finns tillgänglig", "recording available"),
    ("raportti valmistui", "rapporten är klar", "report completed"),
    ("muutoksia vuodenvaihteessa", "ändringar vid årsskiftet", "changes at the turn of the year"),
    ("kokemuksia kunnista", "erfarenheter från kommunerna", "experiences from municipalities"),
    ("tilastot päivitetty", "statistiken uppdaterad", "statistics updated"),
    ("verkosto kokoontuu", "nätverket samlas", "network meets"),
    ("rahoitusta myönnetty", "finansiering beviljad", "funding granted"),
    ("uusi koulutus alkaa", "ny utbildning börjar", "new training starts"),
    ("lausuntokierros käynnissä", "remissrunda pågår", "consultation under way"),
    ("ohjeistus tarkentuu", "anvisningarna preciseras", "guidance clarified"),
    ("selvitys julkaistu", "utredning publicerad", "study published"),
    ("tervetuloa seminaariin", "välkommen till seminariet", "welcome to the seminar"),
    ("tulokset esitelty", "resultaten presenterade", "results presented"),
)

BLOG_HEADS: tuple[str, ...] = (
    "mitä opimme?",
    "kokemuksia kentältä",
    "näkökulma arkeen",
    "kolme havaintoa",
    "mitä seuraavaksi?",
    "onnistumisia ja haasteita",
    "puheenvuoro",
    "matkalla eteenpäin",
    "kysymyksiä ja vastauksia",
    "vuoden jälkeen",
    "yhteistyön voima",
    "pieniä tekoja",
)

EVENT_TYPES: tuple[str, ...] = (
    "Webinaari",
    "Verkostotapaaminen",
    "Koulutus",
    "Infotilaisuus",
    "Seminaari",
    "Työpaja",
    "Aamukahvit",
    "Vertaisfoorumi",
)

CHAPTERS_ACT: tuple[Triple, ...] = (
    ("Lain tarkoitus", "Lagens syfte", "Purpose of the Act"),
    ("Määritelmät", "Definitioner", "Definitions"),
    ("Palvelut", "Tjänster", "Services"),
    ("Alkukartoitus", "Inledande kartläggning", "Initial assessment"),
    ("Kotoutumissuunnitelma", "Integrationsplan", "Integration plan"),
    ("Kotoutumisohjelma", "Integrationsprogram", "Integration programme"),
    ("Monialainen yhteistyö", "Sektorsövergripande samarbete", "Multisectoral cooperation"),
    ("Kunnan tehtävät", "Kommunens uppgifter", "Duties of the municipality"),
    ("Valtion korvaukset", "Statlig ersättning", "State compensation"),
    ("Tietojen käsittely", "Behandling av uppgifter", "Processing of data"),
    ("Muutoksenhaku", "Ändringssökande", "Appeals"),
    ("Siirtymäsäännökset", "Övergångsbestämmelser", "Transitional provisions"),
    ("Kuntaan osoittaminen", "Anvisning till kommuner", "Municipal placement"),
    ("Alaikäisten tuki", "Stöd för minderåriga", "Support for minors"),
)

CHAPTERS_RECEPTION: tuple[Triple, ...] = (
    ("Vastaanoton suunnittelu", "Planering av mottagandet", "Planning the reception"),
    ("Ennen saapumista", "Före ankomsten", "Before arrival"),
    ("Ensimmäiset viikot", "De första veckorna", "The first weeks"),
    ("Asunnon järjestäminen", "Ordnande av bostad", "Arranging housing"),
    ("Terveydenhuolto", "Hälso- och sjukvård", "Health care"),
    ("Koulunkäynti", "Skolgång", "Schooling"),
    ("Sosiaaliohjaus", "Socialhandledning", "Social guidance"),
    ("Verkostot", "Nätverk", "Networks"),
    ("Kriisityö", "Krisarbete", "Crisis work"),
    ("Arviointi", "Utvärdering", "Evaluation"),
)

CHAPTER_PARTS: tuple[Triple, ...] = (
    ("yleistä", "allmänt", "overview"),
    ("vastuut", "ansvar", "responsibilities"),
    ("käytännön toteutus", "genomförande i praktiken", "implementation"),
    ("aikarajat", "tidsgränser", "time limits"),
    ("esimerkit", "exempel", "examples"),
    ("lomakkeet", "blanketter", "forms"),
    ("erityistilanteet", "specialsituationer", "special situations"),
    ("yhteistyö", "samarbete", "cooperation"),
    ("kirjaaminen", "dokumentation", "record keeping"),
    ("seuranta", "uppföljning", "follow-up"),
)

FAQ_QUESTIONS: tuple[Triple, ...] = (
    ("Mitä tarkoittaa {t}?", "Vad innebär {t}?", "What is meant by {t}?"),
    ("Kenelle {t} on tarkoitettu?", "Vem riktar sig {t} till?", "Who is {t} intended for?"),
    ("Miten {t} järjestetään?", "Hur ordnas {t}?", "How is {t} organised?"),
    ("Milloin {t} alkaa?", "När börjar {t}?", "When does {t} start?"),
    ("Kuka vastaa asiasta: {t}?", "Vem ansvarar för {t}?", "Who is responsible for {t}?"),
    ("Maksaako {t} jotain?", "Kostar {t} något?", "Does {t} cost anything?"),
    ("Muuttuuko {t} vuonna 2025?", "Ändras {t} år 2025?", "Will {t} change in 2025?"),
)

GIVEN_NAMES: tuple[str, ...] = (
    "Ailiina",
    "Helvo",
    "Iivari",
    "Jorvo",
    "Kaislina",
    "Lumiina",
    "Mirvo",
    "Nelmi",
    "Orvokki-Liina",
    "Pilvo",
    "Ruusa-Maija",
    "Sinivuo",
    "Taavela",
    "Ulvina",
    "Veikkari",
    "Ylvina",
    "Aarlo",
    "Eerla",
    "Hiski-Matias",
    "Ilmaria",
    "Kuuvo",
    "Lahjoona",
    "Meiju-Tuuli",
    "Nuutelma",
    "Otsola",
    "Rasmi",
)

FAMILY_NAMES: tuple[str, ...] = (
    "Kuusimäkelä",
    "Pilvenranta",
    "Sammalkorpi",
    "Routavaara",
    "Kanervisto",
    "Harjuvirtanen",
    "Jäkäläsuo",
    "Louhikangas",
    "Tuulenpesä",
    "Kivikoivisto",
    "Mustikkaoja",
    "Lepänkaarto",
    "Vuorihaapa",
    "Ruohoniittu",
    "Kaislalahti",
    "Kuurasalo",
    "Sorsankivi",
    "Ukonpelto",
)

JOB_TITLES: tuple[Triple, ...] = (
    ("erityisasiantuntija", "specialsakkunnig", "senior specialist"),
    ("asiantuntija", "sakkunnig", "specialist"),
    ("projektipäällikkö", "projektchef", "project manager"),
    ("viestintäasiantuntija", "kommunikationsexpert", "communications specialist"),
    ("neuvotteleva virkamies", "konsultativ tjänsteman", "ministerial adviser"),
    ("kehittämispäällikkö", "utvecklingschef", "development manager"),
)

ORGANISERS: tuple[str, ...] = (
    "Kotoutumisen osaamiskeskus",
    "KEHA-keskus",
    "Alueellinen kotoutumisverkosto",
    "Kumppanuusohjelman verkosto",
    "Kuntien kotoutumistyön verkosto",
    "Selkokielen työryhmä",
)

PLACES: tuple[str, ...] = (
    "Kokoustila Lyyra, Esimerkkikatu 4, Helsinki",
    "Seminaarisali Aalto, Mallitie 12, Tampere",
    "Auditorio Kaarna, Koekuja 3, Turku",
    "Kirjaston monitoimitila, Testipolku 8, Oulu",
    "Kokoushuone Virta, Näytekatu 21, Kuopio",
)

DOC_TYPES: tuple[Triple, ...] = (
    ("raportti", "rapport", "report"),
    ("opas", "guide", "guide"),
    ("selvitys", "utredning", "study"),
    ("katsaus", "översikt", "review"),
    ("tietoisku", "faktablad", "fact sheet"),
    ("politiikkasuositus", "policyrekommendation", "policy brief"),
)
