"""Locale-specific people and places: a seeded Faker per country with pools of names and streets."""

import random
from dataclasses import dataclass
from datetime import date

from faker import Faker

from workbench.demo.warehouse.entities import Address
from workbench.demo.warehouse.reference import Country

NAME_POOL_SIZE = 300
STREET_POOL_SIZE = 800
PLACE_POOL_SIZE = 400


@dataclass
class LocalePeople:
    """A seeded Faker for one country plus pools of its names and places (Faker is slow)."""

    country: Country
    faker: Faker
    first_names: list[str]
    last_names: list[str]
    streets: list[str]
    places: list[tuple[str, str]]  # (postcode, city)
    email_domains: list[str]

    def full_name(self, rng: random.Random) -> tuple[str, str]:
        return rng.choice(self.first_names), rng.choice(self.last_names)

    def address(self, rng: random.Random) -> Address:
        postcode, city = rng.choice(self.places)
        return Address(rng.choice(self.streets), postcode, city)


def locale_people(country: Country, faker_seed: int) -> LocalePeople:
    faker = Faker(country.locale)
    faker.seed_instance(faker_seed)
    return LocalePeople(
        country=country,
        faker=faker,
        first_names=[faker.first_name() for _ in range(NAME_POOL_SIZE)],
        last_names=[faker.last_name() for _ in range(NAME_POOL_SIZE)],
        streets=[single_line(faker.street_address()) for _ in range(STREET_POOL_SIZE)],
        places=[(faker.postcode(), faker.city()) for _ in range(PLACE_POOL_SIZE)],
        email_domains=[faker.free_email_domain() for _ in range(12)],
    )


def single_line(text: str) -> str:
    return ", ".join(part.strip() for part in text.splitlines() if part.strip())


def national_id(people: LocalePeople, born_on: date) -> str:
    """UK NI number, German pension insurance number, French NIR, Dutch BSN or US SSN."""
    if people.country.code == "DE":
        return str(people.faker.rvnr(birthdate=born_on))
    return str(people.faker.ssn())
