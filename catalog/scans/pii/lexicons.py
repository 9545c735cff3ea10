"""Word lists for recognising person names and street addresses, taken from Faker's locale data
(first and last names of 80+ locales; USPS street suffixes and the street words of European
locales) plus the common street words Faker lacks. Loaded once, on first use.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import unicodedata
from functools import cache, lru_cache

# Street words Faker's locales do not list (or list only inside longer templates).
EXTRA_STREET_WORDS = frozenset(
    """
    street st road rd avenue ave av lane ln drive dr court ct place pl square sq terrace way close
    crescent grove gardens hill row walk mews parade flat unit apt apartment suite studio floor
    rue avenue boulevard bd chemin allee impasse quai route place cours voie
    strasse straße str weg gasse allee platz ring damm ufer chaussee
    straat laan weg plein gracht kade singel dijk dreef steenweg lei baan hof pad
    calle avenida av paseo plaza camino carretera ronda rambla via vial travesia pasaje
    piso puerta portal bajo
    via viale piazza corso vicolo largo
    rua travessa praca estrada
    ulica ul aleja gatan gata vej vegen katu utca vagen torget stigen backe
    marg nagar chowk ganj h.no
    ул улица пр проспект наб набережная бул бульвар пер переулок алл аллея шоссе
    """.split()
)

# Endings of compound street names (Hauptstraße, Kerkstraat, Dorfweg, Zakariabaan), folded.
STREET_WORD_ENDINGS = (
    "straße", "strasse", "str.", "weg", "gasse", "allee", "platz", "ring", "damm", "ufer",
    "straat", "laan", "baan", "plein", "gracht", "kade", "singel", "dijk", "dreef", "steeg",
    "lei", "gatan", "vej", "vegen", "vagen", "grand", "torget", "stigen", "katu", "utca",
)  # fmt: skip

# Ordinary words that are also someone's first or last name somewhere: alone they are colours,
# months, places or things, not evidence of a person ("Black", "May", "Sales", "London").
COMMON_WORDS = frozenset(
    """
    black white brown green grey gray red blue rose pink gold silver orange olive navy violet
    january february march april may june july august september october november december
    spring summer autumn winter monday tuesday wednesday thursday friday saturday sunday
    will mark bill grant hope joy faith price cash page hall wood stone field king young long
    short little small major chase dale lane hill park north south east west low high new
    sales london paris berlin sydney york china india america france holland easter christmas
    river star sun moon art rock pop love crystal amber ruby pearl jade sky storm rain snow
    """.split()
)

# Latin-script locales whose street vocabulary is used; other scripts' lists are full of short
# syllables that match ordinary words once transliterated.
STREET_LOCALES = (
    "en_US", "en_GB", "en_AU", "en_NZ", "en_CA", "en_IE", "de_DE", "de_AT", "de_CH", "fr_FR",
    "fr_CH", "fr_CA", "nl_NL", "nl_BE", "es_ES", "es_MX", "it_IT", "pt_PT", "pt_BR", "da_DK",
    "sv_SE", "no_NO", "fi_FI", "pl_PL",
)  # fmt: skip
# Words that some locale lists as a street type but that ordinary sentences use all the time.
STREET_STOPWORDS = frozenset(
    "of to so day end key run top gap air put the and de la le du di da do del des een van back "
    "fire rest part line well turn pass area land".split()
)

# Locales name their lists variously: first_names_female, middle_names_male, last_names_rus...
_FIRST_NAME_ATTRIBUTES = re.compile(r"(?:first|middle)_(?:romanized_)?names.*")
_LAST_NAME_ATTRIBUTES = re.compile(r"(?:last_(?:romanized_)?names.*|(?:male|unisex)_last_names)")
_STREET_ATTRIBUTES = re.compile(r"street_(?:suffixes|prefixes)(?:_long|_short)?")


@lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Case- and accent-insensitive form of a word, for lexicon look-ups."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _words_of(values: object) -> set[str]:
    if isinstance(values, dict):
        values = values.keys()
    if not isinstance(values, list | tuple | set | frozenset | type({}.keys())):
        return set()
    return {fold(value).strip(".") for value in values if isinstance(value, str) and value}


def _provider_words(
    package: str, attributes: re.Pattern[str], locales: tuple[str, ...] | None = None
) -> set[str]:
    module = importlib.import_module(package)
    names = locales or tuple(info.name for info in pkgutil.iter_modules(module.__path__))
    words: set[str] = set()
    for name in names:
        try:
            provider = importlib.import_module(f"{package}.{name}").Provider
        except ImportError:
            continue
        for attribute, values in vars(provider).items():
            if attributes.fullmatch(attribute):
                words |= _words_of(values)
    return words


def _name_parts(words: set[str]) -> frozenset[str]:
    return frozenset(part for word in words for part in word.replace("-", " ").split())


@cache
def first_name_words() -> frozenset[str]:
    """Folded first names of every Faker locale; multi-word names split into words."""
    return _name_parts(_provider_words("faker.providers.person", _FIRST_NAME_ATTRIBUTES))


@cache
def last_name_words() -> frozenset[str]:
    """Folded last names of every Faker locale; multi-word names split into words."""
    return _name_parts(_provider_words("faker.providers.person", _LAST_NAME_ATTRIBUTES))


@cache
def person_name_words() -> frozenset[str]:
    return first_name_words() | last_name_words()


@cache
def street_words() -> frozenset[str]:
    """Folded street types and street prefixes (Road, Straße, rue, Calle, ...)."""
    words = _provider_words("faker.providers.address", _STREET_ATTRIBUTES, STREET_LOCALES)
    words |= {fold(word) for word in EXTRA_STREET_WORDS}
    parts = {part for word in words for part in word.split() if len(part) > 1}
    return frozenset(parts - STREET_STOPWORDS)
