"""Deterministic synthetic sample warehouse: a fictional online retailer with realistic fake PII,
built row-for-row identically into a SQLite file or a PostgreSQL schema."""

import ipaddress
import os
import random
import re
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
from faker import Faker
from psycopg import sql
from psycopg.rows import TupleRow

DEFAULT_SEED = 20261122
DEFAULT_SCHEMA = "warehouse"

# "Today" for the sample data: a fixed moment keeps every build identical.
REFERENCE_NOW = datetime(2026, 6, 30, 17, 0, tzinfo=UTC)
REFERENCE_DATE = REFERENCE_NOW.date()

Row = tuple[object, ...]
T = TypeVar("T")
ProgressCallback = Callable[[str, int], None]


# --- Schema description ---


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    primary_key: bool = False
    nullable: bool = False
    references: str | None = None  # "table (column)"
    pii: str | None = None  # kind of personal data, ground truth for PII scanners


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def primary_key(self) -> str:
        return next(column.name for column in self.columns if column.primary_key)


@dataclass(frozen=True)
class View:
    name: str
    description: str
    sql: str  # may contain {order_month}, an engine-specific 'YYYY-MM' expression


def id_column(name: str, sql_type: str = "INTEGER") -> Column:
    return Column(name, sql_type, primary_key=True)


def fk_column(name: str, target: str, *, nullable: bool = False) -> Column:
    return Column(name, "INTEGER", nullable=nullable, references=target)


WAREHOUSE_TABLES: tuple[Table, ...] = (
    Table(
        "departments",
        "Organisational departments of the retailer.",
        (
            id_column("department_id"),
            Column("name", "VARCHAR(80)"),
            Column("cost_centre", "VARCHAR(10)"),
        ),
    ),
    Table(
        "employees",
        "Staff with HR data; manager_id points at another employee.",
        (
            id_column("employee_id"),
            fk_column("department_id", "departments (department_id)"),
            fk_column("manager_id", "employees (employee_id)", nullable=True),
            Column("first_name", "VARCHAR(80)", pii="person_name"),
            Column("last_name", "VARCHAR(80)", pii="person_name"),
            Column("email", "VARCHAR(254)", pii="email"),
            Column("phone", "VARCHAR(40)", pii="phone"),
            Column("national_id", "VARCHAR(32)", pii="national_id"),
            Column("date_of_birth", "DATE", pii="date_of_birth"),
            Column("hire_date", "DATE"),
            Column("job_title", "VARCHAR(120)"),
            Column("salary", "NUMERIC(12,2)", pii="salary"),
            Column("office_country", "VARCHAR(2)"),
        ),
    ),
    Table(
        "product_categories",
        "Two-level product category tree.",
        (
            id_column("category_id"),
            fk_column("parent_category_id", "product_categories (category_id)", nullable=True),
            Column("name", "VARCHAR(80)"),
        ),
    ),
    Table(
        "suppliers",
        "Companies supplying products, with a named contact person.",
        (
            id_column("supplier_id"),
            Column("company_name", "VARCHAR(200)"),
            Column("contact_name", "VARCHAR(160)", pii="person_name"),
            Column("contact_email", "VARCHAR(254)", pii="email"),
            Column("contact_phone", "VARCHAR(40)", pii="phone"),
            Column("country", "VARCHAR(2)"),
            Column("iban", "VARCHAR(34)", nullable=True, pii="iban"),
            Column("created_at", "TIMESTAMP"),
        ),
    ),
    Table(
        "products",
        "Catalogue of products sold in the web shop (prices in EUR).",
        (
            id_column("product_id"),
            fk_column("category_id", "product_categories (category_id)"),
            fk_column("supplier_id", "suppliers (supplier_id)"),
            Column("sku", "VARCHAR(20)"),
            Column("name", "VARCHAR(200)"),
            Column("unit_price", "NUMERIC(12,2)"),
            Column("cost_price", "NUMERIC(12,2)"),
            Column("is_active", "BOOLEAN"),
            Column("created_at", "TIMESTAMP"),
        ),
    ),
    Table(
        "customers",
        "Registered shop customers with contact and payment details.",
        (
            id_column("customer_id"),
            Column("first_name", "VARCHAR(80)", pii="person_name"),
            Column("last_name", "VARCHAR(80)", pii="person_name"),
            Column("email", "VARCHAR(254)", pii="email"),
            Column("phone", "VARCHAR(40)", pii="phone"),
            Column("street_address", "VARCHAR(200)", pii="street_address"),
            Column("postcode", "VARCHAR(20)", pii="postcode"),
            Column("city", "VARCHAR(100)"),
            Column("country", "VARCHAR(2)"),
            Column("region", "VARCHAR(4)"),
            Column("date_of_birth", "DATE", pii="date_of_birth"),
            Column("iban", "VARCHAR(34)", nullable=True, pii="iban"),
            Column("credit_card_number", "VARCHAR(19)", pii="card_number"),
            Column("created_at", "TIMESTAMP"),
            Column("marketing_opt_in", "BOOLEAN"),
        ),
    ),
    Table(
        "customer_addresses",
        "Shipping addresses; every customer has their home address plus optional extras.",
        (
            id_column("address_id"),
            fk_column("customer_id", "customers (customer_id)"),
            Column("label", "VARCHAR(20)"),
            Column("recipient_name", "VARCHAR(160)", pii="person_name"),
            Column("street_address", "VARCHAR(200)", pii="street_address"),
            Column("postcode", "VARCHAR(20)", pii="postcode"),
            Column("city", "VARCHAR(100)"),
            Column("country", "VARCHAR(2)"),
            Column("is_default", "BOOLEAN"),
        ),
    ),
    Table(
        "orders",
        "Web shop orders; total_amount is the sum of the order's lines.",
        (
            id_column("order_id"),
            fk_column("customer_id", "customers (customer_id)"),
            fk_column("shipping_address_id", "customer_addresses (address_id)"),
            Column("order_number", "VARCHAR(20)"),
            Column("ordered_at", "TIMESTAMP"),
            Column("status", "VARCHAR(20)"),
            Column("total_amount", "NUMERIC(12,2)"),
        ),
    ),
    Table(
        "order_lines",
        "Products and quantities per order.",
        (
            id_column("order_line_id"),
            fk_column("order_id", "orders (order_id)"),
            fk_column("product_id", "products (product_id)"),
            Column("quantity", "INTEGER"),
            Column("unit_price", "NUMERIC(12,2)"),
            Column("line_total", "NUMERIC(12,2)"),
        ),
    ),
    Table(
        "payments",
        "Payments for orders by card (masked), SEPA direct debit (IBAN) or PayPal (email).",
        (
            id_column("payment_id"),
            fk_column("order_id", "orders (order_id)"),
            Column("method", "VARCHAR(20)"),
            Column("status", "VARCHAR(20)"),
            Column("amount", "NUMERIC(12,2)"),
            Column("paid_at", "TIMESTAMP"),
            Column("card_brand", "VARCHAR(20)", nullable=True),
            Column("card_last4", "VARCHAR(4)", nullable=True),
            Column("masked_card_number", "VARCHAR(19)", nullable=True, pii="masked_card_number"),
            Column("iban", "VARCHAR(34)", nullable=True, pii="iban"),
            Column("payer_email", "VARCHAR(254)", nullable=True, pii="email"),
        ),
    ),
    Table(
        "marketing_campaigns",
        "Email marketing campaigns, optionally targeted at one region.",
        (
            id_column("campaign_id"),
            fk_column("owner_employee_id", "employees (employee_id)"),
            Column("name", "VARCHAR(120)"),
            Column("target_region", "VARCHAR(4)"),
            Column("starts_on", "DATE"),
            Column("ends_on", "DATE"),
            Column("budget", "NUMERIC(12,2)"),
        ),
    ),
    Table(
        "campaign_contacts",
        "Which opted-in customer received which campaign email, and how they reacted.",
        (
            id_column("contact_id"),
            fk_column("campaign_id", "marketing_campaigns (campaign_id)"),
            fk_column("customer_id", "customers (customer_id)"),
            Column("email", "VARCHAR(254)", pii="email"),
            Column("sent_at", "TIMESTAMP"),
            Column("opened", "BOOLEAN"),
            Column("clicked", "BOOLEAN"),
        ),
    ),
    Table(
        "support_tickets",
        "Customer support tickets; bodies are free text that often contains PII.",
        (
            id_column("ticket_id"),
            fk_column("customer_id", "customers (customer_id)"),
            fk_column("order_id", "orders (order_id)"),
            fk_column("assigned_employee_id", "employees (employee_id)", nullable=True),
            Column("channel", "VARCHAR(20)"),
            Column("priority", "VARCHAR(10)"),
            Column("status", "VARCHAR(20)"),
            Column("subject", "VARCHAR(200)"),
            Column("body", "TEXT", pii="free_text"),
            Column("opened_at", "TIMESTAMP"),
            Column("closed_at", "TIMESTAMP", nullable=True),
        ),
    ),
    Table(
        "page_views",
        "Web shop click stream; customer_id is set for logged-in visitors.",
        (
            id_column("page_view_id", "BIGINT"),
            Column("session_id", "VARCHAR(32)"),
            fk_column("customer_id", "customers (customer_id)", nullable=True),
            Column("viewed_at", "TIMESTAMP"),
            Column("url_path", "VARCHAR(300)"),
            Column("referrer", "VARCHAR(300)", nullable=True),
            Column("ip_address", "VARCHAR(45)", pii="ip_address"),
            Column("user_agent", "TEXT", pii="user_agent"),
        ),
    ),
)

WAREHOUSE_VIEWS: tuple[View, ...] = (
    View(
        "v_customer_orders",
        "Per customer: number of orders and the sum of all their order lines.",
        """
        SELECT c.customer_id, c.first_name, c.last_name, c.email, c.country, c.region,
               COUNT(DISTINCT o.order_id) AS order_count,
               COALESCE(ROUND(SUM(l.line_total), 2), 0) AS order_total,
               MAX(o.ordered_at) AS last_ordered_at
        FROM customers c
        LEFT JOIN orders o ON o.customer_id = c.customer_id
        LEFT JOIN order_lines l ON l.order_id = o.order_id
        GROUP BY c.customer_id, c.first_name, c.last_name, c.email, c.country, c.region
        """,
    ),
    View(
        "v_monthly_revenue",
        "Revenue per calendar month (UTC) from order lines, excluding cancelled orders.",
        """
        SELECT {order_month} AS revenue_month,
               COUNT(DISTINCT o.order_id) AS order_count,
               ROUND(SUM(l.line_total), 2) AS revenue
        FROM orders o
        JOIN order_lines l ON l.order_id = o.order_id
        WHERE o.status <> 'cancelled'
        GROUP BY {order_month}
        """,
    ),
    View(
        "v_open_tickets",
        "Support tickets still open or pending, with customer and assignee.",
        """
        SELECT t.ticket_id, t.opened_at, t.status, t.priority, t.channel, t.subject,
               c.customer_id, c.first_name || ' ' || c.last_name AS customer_name,
               c.email AS customer_email,
               e.first_name || ' ' || e.last_name AS assigned_to
        FROM support_tickets t
        JOIN customers c ON c.customer_id = t.customer_id
        LEFT JOIN employees e ON e.employee_id = t.assigned_employee_id
        WHERE t.status IN ('open', 'pending')
        """,
    ),
)

ORDER_MONTH_SQL = {
    "sqlite": "strftime('%Y-%m', o.ordered_at)",
    "postgresql": "to_char(o.ordered_at, 'YYYY-MM')",
}

# Row counts at scale 1.0. Tables missing here follow from others: departments and
# product_categories are fixed lists; addresses, order lines and payments derive from
# customers and orders.
ROWS_AT_SCALE_1 = {
    "employees": 1_000,
    "suppliers": 200,
    "products": 2_000,
    "customers": 20_000,
    "orders": 80_000,
    "marketing_campaigns": 40,
    "campaign_contacts": 50_000,
    "support_tickets": 10_000,
    "page_views": 100_000,
}


# --- Reference data ---


@dataclass(frozen=True)
class Country:
    code: str
    locale: str
    region: str
    weight: int
    uses_iban: bool
    web_suffix: str


# No it_IT: Faker builds its Italian city list from a set, so it varies with PYTHONHASHSEED.
COUNTRIES: tuple[Country, ...] = (
    Country("GB", "en_GB", "EU", 18, True, "co.uk"),
    Country("DE", "de_DE", "EU", 16, True, "de"),
    Country("FR", "fr_FR", "EU", 12, True, "fr"),
    Country("NL", "nl_NL", "EU", 8, True, "nl"),
    Country("ES", "es_ES", "EU", 6, True, "es"),
    Country("BE", "nl_BE", "EU", 6, True, "be"),
    Country("US", "en_US", "US", 22, False, "com"),
    Country("AU", "en_AU", "APAC", 8, False, "com.au"),
    Country("NZ", "en_NZ", "APAC", 4, False, "co.nz"),
)
COUNTRY_REGIONS: Mapping[str, str] = {country.code: country.region for country in COUNTRIES}
OFFICE_COUNTRIES = ("GB", "DE", "FR", "NL", "US")
OFFICE_WEIGHTS = (40, 25, 12, 13, 10)
COMPANY_EMAIL_DOMAIN = "acme-retail.example"
SHOP_ORIGIN = "https://shop.acme-retail.example"

# (name, share of staff, job titles)
DEPARTMENTS: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("Executive", 1, ("Executive Assistant", "Chief of Staff")),
    ("Finance", 6, ("Accountant", "Financial Analyst", "Payroll Specialist")),
    ("Human Resources", 4, ("HR Business Partner", "Recruiter", "HR Administrator")),
    ("Customer Service", 30, ("Support Agent", "Senior Support Agent", "Team Lead Support")),
    ("Marketing", 8, ("Campaign Manager", "Content Writer", "CRM Specialist")),
    ("Sales", 6, ("Account Manager", "Sales Representative")),
    ("Warehouse Operations", 20, ("Warehouse Operative", "Picker", "Shift Supervisor")),
    ("Logistics", 7, ("Logistics Coordinator", "Transport Planner")),
    ("Engineering", 9, ("Software Engineer", "Site Reliability Engineer", "QA Engineer")),
    ("Data & Analytics", 4, ("Data Analyst", "Data Engineer", "Data Scientist")),
    ("Legal & Compliance", 2, ("Legal Counsel", "Data Protection Officer")),
    ("Procurement", 3, ("Buyer", "Category Manager")),
)
CUSTOMER_SERVICE_ID = 4
MARKETING_ID = 5

# (parent category, category, product nouns, price range in cents)
PRODUCT_CATEGORIES: tuple[tuple[str, str, tuple[str, ...], tuple[int, int]], ...] = (
    ("Clothing", "T-shirts & tops", ("T-shirt", "Polo shirt", "Tank top"), (900, 4_500)),
    ("Clothing", "Jackets & coats", ("Rain jacket", "Parka", "Fleece jacket"), (4_900, 24_900)),
    ("Clothing", "Shoes", ("Trainers", "Hiking boots", "Sandals"), (2_900, 17_900)),
    ("Home & kitchen", "Cookware", ("Frying pan", "Saucepan", "Dutch oven"), (1_500, 14_900)),
    ("Home & kitchen", "Bedding", ("Duvet cover", "Pillow", "Fitted sheet"), (1_200, 8_900)),
    ("Home & kitchen", "Lighting", ("Desk lamp", "Floor lamp", "LED strip"), (1_500, 19_900)),
    ("Electronics", "Audio", ("Headphones", "Bluetooth speaker", "Earbuds"), (1_900, 34_900)),
    ("Electronics", "Chargers", ("USB-C cable", "Wall charger", "Power bank"), (700, 5_900)),
    ("Electronics", "Smart home", ("Smart plug", "Thermostat", "Door sensor"), (1_500, 24_900)),
    ("Outdoor", "Camping", ("Tent", "Sleeping bag", "Camping stove"), (2_500, 39_900)),
    ("Outdoor", "Cycling", ("Bike light", "Helmet", "Saddle bag"), (1_200, 12_900)),
    ("Outdoor", "Garden", ("Garden hose", "Pruning shears", "Planter"), (800, 9_900)),
    ("Beauty", "Skincare", ("Face cream", "Serum", "Sunscreen"), (600, 6_900)),
    ("Toys & games", "Board games", ("Strategy game", "Party game", "Family game"), (1_500, 6_900)),
    ("Toys & games", "Puzzles", ("Jigsaw puzzle", "3D puzzle", "Brain teaser"), (800, 3_900)),
)
PARENT_CATEGORIES = tuple(dict.fromkeys(parent for parent, *_ in PRODUCT_CATEGORIES))
PRODUCT_ADJECTIVES = ("Classic", "Essential", "Premium", "Lightweight", "Organic", "Recycled")
PRODUCT_COLOURS = ("Black", "Navy", "Olive", "Sand", "Grey", "Red", "White")

CARD_TYPES = ("visa16", "mastercard", "amex")
CARD_TYPE_WEIGHTS = (55, 35, 10)
CARD_BRANDS = {"visa16": "Visa", "mastercard": "Mastercard", "amex": "American Express"}

ORDER_LINE_COUNTS = (1, 2, 3, 4, 5, 6)
ORDER_LINE_COUNT_WEIGHTS = (20, 25, 25, 15, 10, 5)
QUANTITIES = (1, 2, 3, 4)
QUANTITY_WEIGHTS = (70, 20, 7, 3)

CAMPAIGN_THEMES = ("Newsletter", "Sale", "New arrivals", "Loyalty rewards", "Back in stock")
CAMPAIGN_REGIONS = ("ALL", "ALL", "EU", "US", "APAC")

PII_TICKET_SHARE = 0.4
# (subject, body); placeholders are filled from the ticket's customer and order.
PII_TICKET_TEMPLATES = (
    (
        "Charged twice for order {order}",
        "My card {card} was charged twice for order {order}. Please refund one of the payments.",
    ),
    (
        "Refund not received",
        "The refund for order {order} still hasn't arrived. "
        "Please send it to my account {iban}, account holder {name}.",
    ),
    (
        "Change of delivery address",
        "I have moved house. Please deliver order {order} to {address} instead.",
    ),
    (
        "Invoice email address",
        "Could you send the invoice for order {order} to {email}? I no longer use my old mailbox.",
    ),
    (
        "Missing parcel",
        "My parcel for order {order} never arrived. You can reach me on {phone} after 5pm.",
    ),
    (
        "Cannot log in",
        "I can't log in with {email} any more. Please call me on {phone} so we can sort it out.",
    ),
    (
        "Cancel direct debit",
        "Please stop collecting payments from IBAN {iban}. I cancelled my membership last week.",
    ),
    (
        "Parcel left at wrong house",
        "The courier left order {order} at the wrong house. It should go to {address}. "
        "Call me on {phone} if anything is unclear.",
    ),
    (
        "Payment declined",
        "Checkout keeps declining my card {card} (expires {expiry}). Is the problem on your side?",
    ),
)
PLAIN_TICKET_TEMPLATES = (
    ("Where is my order?", "Where is order {order}? The tracking page has not changed in days."),
    ("Damaged item", "The {product} from order {order} arrived damaged. Can I get a replacement?"),
    ("Returning a gift", "How do I return an item that I received as a gift?"),
    ("Discount code not working", "The discount code from your newsletter is rejected."),
    ("Size question", "The {product} seems to run small. Should I order one size up?"),
    ("Change my order", "Can I still change the colour in order {order} before it ships?"),
    ("Thank you", "Just wanted to say thanks for the quick delivery of order {order}!"),
    ("Invoice copy", "Please send me a copy of the invoice for order {order}."),
)
TICKET_GREETINGS = ("Hi,", "Hello,", "Dear support team,", "Good morning,", "Hi there,")
TICKET_SIGN_OFFS = ("Thanks,\n{first_name}", "Best regards,\n{name}", "Cheers, {first_name}")

EXTERNAL_REFERRERS = (
    None,
    None,
    "https://www.google.com/",
    "https://www.bing.com/",
    "https://www.instagram.com/",
    "https://www.facebook.com/",
    "https://newsletter.acme-retail.example/?utm_source=newsletter",
)


# --- Generated entities ---


@dataclass(frozen=True)
class Address:
    street: str
    postcode: str
    city: str

    def one_line(self) -> str:
        return f"{self.street}, {self.postcode} {self.city}"


@dataclass
class Customer:
    customer_id: int
    country: Country
    first_name: str
    last_name: str
    email: str
    phone: str
    address: Address
    date_of_birth: date
    iban: str | None
    card_number: str
    card_brand: str
    created_at: datetime
    marketing_opt_in: bool
    address_ids: list[int] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Product:
    product_id: int
    category_index: int  # position in PRODUCT_CATEGORIES
    supplier_id: int
    name: str
    unit_price: Decimal
    cost_price: Decimal
    is_active: bool
    created_at: datetime

    @property
    def slug(self) -> str:
        return f"{self.product_id}-{re.sub(r'[^a-z0-9]+', '-', self.name.lower()).strip('-')}"


@dataclass(frozen=True)
class Order:
    order_id: int
    order_number: str
    customer: Customer
    ordered_at: datetime
    status: str
    total_amount: Decimal


@dataclass(frozen=True)
class Campaign:
    campaign_id: int
    target_region: str
    starts_at: datetime
    ends_at: datetime


# --- Random helpers ---


def money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def timestamp_text(moment: datetime) -> str:
    """Timestamps are stored as UTC wall-clock text, identical on SQLite and PostgreSQL."""
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def moment_between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    seconds = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randint(0, max(seconds, 0)))


def moment_in_last_days(rng: random.Random, days: int) -> datetime:
    return REFERENCE_NOW - timedelta(seconds=rng.randrange(days * 86_400))


def birth_date(rng: random.Random, youngest: int, oldest: int) -> date:
    return REFERENCE_DATE - timedelta(days=rng.randint(youngest * 365 + 5, oldest * 365))


def skewed_pick(rng: random.Random, items: Sequence[T]) -> T:
    """Favour the start of the list, e.g. a few best-selling products."""
    return items[int(len(items) * rng.random() ** 1.6)]


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "", plain) or "user"


def grouped_in_fours(digits: str) -> str:
    return " ".join(digits[start : start + 4] for start in range(0, len(digits), 4))


def ip_address(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return ipaddress.IPv6Address((0x2A02 << 112) | rng.getrandbits(112)).compressed
    first_octet = rng.choice((31, 46, 62, 77, 81, 86, 92, 104, 151, 176, 185, 203, 212))
    return f"{first_octet}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


# --- Locale-specific people and places ---


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


# --- Generation state ---


class Sample:
    """Seeded random sources and the entities generated so far, shared by the row generators."""

    def __init__(self, seed: int, scale: float) -> None:
        self.rng = random.Random(seed)
        self.scale = scale
        self.people = {
            country.code: locale_people(country, seed * 100 + index)
            for index, country in enumerate(COUNTRIES)
        }
        self.user_agents = [self.people["US"].faker.user_agent() for _ in range(300)]
        self.used_emails: set[str] = set()
        self.staff_by_department: dict[int, list[int]] = {}
        self.supplier_count = 0
        self.products: list[Product] = []
        self.customers: list[Customer] = []
        self.orders: list[Order] = []
        self.order_lines: list[Row] = []
        self.campaigns: list[Campaign] = []

    def count(self, table_name: str) -> int:
        return max(1, round(ROWS_AT_SCALE_1[table_name] * self.scale))

    def pick_country(self) -> Country:
        return self.rng.choices(COUNTRIES, weights=[c.weight for c in COUNTRIES])[0]

    def unique_email(self, local_part: str, domain: str) -> str:
        email = f"{local_part}@{domain}"
        while email in self.used_emails:
            email = f"{local_part}{self.rng.randint(1, 999)}@{domain}"
        self.used_emails.add(email)
        return email

    def staff(self, department_id: int) -> list[int]:
        """Members of a department, or all staff when a tiny scale left it empty."""
        members = self.staff_by_department.get(department_id)
        return members or [e for team in self.staff_by_department.values() for e in team]


# --- Row generators, one per table, in load order ---


def department_rows(sample: Sample) -> list[Row]:
    return [
        (department_id, name, f"CC-{1000 + 10 * department_id}")
        for department_id, (name, _, _) in enumerate(DEPARTMENTS, start=1)
    ]


def employee_rows(sample: Sample) -> list[Row]:
    rng = sample.rng
    rows: list[Row] = []
    for employee_id in range(1, sample.count("employees") + 1):
        department_id = 1 if employee_id == 1 else pick_department(rng)
        team = sample.staff_by_department.setdefault(department_id, [])
        manager_id = choose_manager(rng, employee_id, team)
        rows.append(employee_row(sample, employee_id, department_id, manager_id, not team))
        team.append(employee_id)
    return rows


def pick_department(rng: random.Random) -> int:
    weights = [share for _, share, _ in DEPARTMENTS]
    return rng.choices(range(1, len(DEPARTMENTS) + 1), weights=weights)[0]


def choose_manager(rng: random.Random, employee_id: int, team: list[int]) -> int | None:
    if employee_id == 1:
        return None
    if not team:
        return 1  # department heads report to the CEO
    return rng.choice(team[: 1 + len(team) // 8])  # the earliest hires lead the team


def employee_row(
    sample: Sample, employee_id: int, department_id: int, manager_id: int | None, is_head: bool
) -> Row:
    rng = sample.rng
    people = sample.people[rng.choices(OFFICE_COUNTRIES, weights=OFFICE_WEIGHTS)[0]]
    first_name, last_name = people.full_name(rng)
    born_on = birth_date(rng, 21, 64)
    email = sample.unique_email(
        f"{ascii_slug(first_name)}.{ascii_slug(last_name)}", COMPANY_EMAIL_DOMAIN
    )
    return (
        employee_id,
        department_id,
        manager_id,
        first_name,
        last_name,
        email,
        people.faker.phone_number(),
        national_id(people, born_on),
        born_on.isoformat(),
        hire_date(rng, born_on).isoformat(),
        job_title(rng, employee_id, department_id, is_head),
        annual_salary(rng, is_head),
        people.country.code,
    )


def annual_salary(rng: random.Random, is_head: bool) -> Decimal:
    if is_head:
        return money(rng.randrange(11_000_000, 19_000_000, 50_000))
    return money(rng.randrange(2_800_000, 9_500_000, 50_000))


def hire_date(rng: random.Random, born_on: date) -> date:
    earliest = max(date(2008, 1, 1), born_on + timedelta(days=20 * 365))
    return earliest + timedelta(days=rng.randint(0, (REFERENCE_DATE - earliest).days))


def job_title(rng: random.Random, employee_id: int, department_id: int, is_head: bool) -> str:
    name, _, titles = DEPARTMENTS[department_id - 1]
    if employee_id == 1:
        return "Chief Executive Officer"
    if is_head:
        return f"Head of {name}"
    return rng.choice(titles)


def category_rows(sample: Sample) -> list[Row]:
    parents: list[Row] = [
        (category_id, None, name) for category_id, name in enumerate(PARENT_CATEGORIES, start=1)
    ]
    children: list[Row] = [
        (child_category_id(index), PARENT_CATEGORIES.index(parent) + 1, name)
        for index, (parent, name, _, _) in enumerate(PRODUCT_CATEGORIES)
    ]
    return parents + children


def child_category_id(index: int) -> int:
    return len(PARENT_CATEGORIES) + index + 1


def supplier_rows(sample: Sample) -> list[Row]:
    sample.supplier_count = sample.count("suppliers")
    return [
        supplier_row(sample, supplier_id) for supplier_id in range(1, sample.supplier_count + 1)
    ]


def supplier_row(sample: Sample, supplier_id: int) -> Row:
    rng = sample.rng
    people = sample.people[sample.pick_country().code]
    company = people.faker.company()
    first_name, last_name = people.full_name(rng)
    domain = f"{ascii_slug(company)[:24]}.{people.country.web_suffix}"
    email = f"{ascii_slug(first_name)}.{ascii_slug(last_name)}@{domain}"
    return (
        supplier_id,
        company,
        f"{first_name} {last_name}",
        email,
        people.faker.phone_number(),
        people.country.code,
        people.faker.iban() if people.country.uses_iban else None,
        timestamp_text(moment_in_last_days(rng, 10 * 365)),
    )


def product_rows(sample: Sample) -> list[Row]:
    count = sample.count("products")
    sample.products = [new_product(sample, product_id) for product_id in range(1, count + 1)]
    return [product_row(product) for product in sample.products]


def new_product(sample: Sample, product_id: int) -> Product:
    rng = sample.rng
    index = rng.randrange(len(PRODUCT_CATEGORIES))
    _, _, nouns, (lowest, highest) = PRODUCT_CATEGORIES[index]
    name = f"{rng.choice(PRODUCT_ADJECTIVES)} {rng.choice(nouns)}, {rng.choice(PRODUCT_COLOURS)}"
    price_cents = rng.randrange(lowest, highest, 100) + 99
    return Product(
        product_id=product_id,
        category_index=index,
        supplier_id=rng.randint(1, sample.supplier_count),
        name=name,
        unit_price=money(price_cents),
        cost_price=money(price_cents * rng.randint(35, 70) // 100),
        is_active=rng.random() < 0.92,
        created_at=moment_in_last_days(rng, 6 * 365),
    )


def product_row(product: Product) -> Row:
    return (
        product.product_id,
        child_category_id(product.category_index),
        product.supplier_id,
        f"SKU-{product.category_index + 1:02d}-{product.product_id:06d}",
        product.name,
        product.unit_price,
        product.cost_price,
        product.is_active,
        timestamp_text(product.created_at),
    )


def customer_rows(sample: Sample) -> list[Row]:
    rng = sample.rng
    count = sample.count("customers")
    # Sorted so customer ids grow with the sign-up date, as in a real shop.
    signed_up = sorted(moment_in_last_days(rng, 6 * 365) for _ in range(count))
    sample.customers = [
        new_customer(sample, customer_id, created_at)
        for customer_id, created_at in enumerate(signed_up, start=1)
    ]
    return [customer_row(customer) for customer in sample.customers]


def new_customer(sample: Sample, customer_id: int, created_at: datetime) -> Customer:
    rng = sample.rng
    country = sample.pick_country()
    people = sample.people[country.code]
    first_name, last_name = people.full_name(rng)
    card_type = rng.choices(CARD_TYPES, weights=CARD_TYPE_WEIGHTS)[0]
    return Customer(
        customer_id=customer_id,
        country=country,
        first_name=first_name,
        last_name=last_name,
        email=customer_email(sample, people, first_name, last_name),
        phone=people.faker.phone_number(),
        address=people.address(rng),
        date_of_birth=birth_date(rng, 18, 85),
        iban=people.faker.iban() if country.uses_iban else None,
        card_number=people.faker.credit_card_number(card_type),
        card_brand=CARD_BRANDS[card_type],
        created_at=created_at,
        marketing_opt_in=rng.random() < 0.55,
    )


def customer_email(sample: Sample, people: LocalePeople, first_name: str, last_name: str) -> str:
    first, last = ascii_slug(first_name), ascii_slug(last_name)
    style = sample.rng.choice(("{f}.{l}", "{f}{l}", "{i}{l}", "{f}_{l}", "{l}.{f}"))
    local_part = style.format(f=first, l=last, i=first[0])
    return sample.unique_email(local_part, sample.rng.choice(people.email_domains))


def customer_row(customer: Customer) -> Row:
    return (
        customer.customer_id,
        customer.first_name,
        customer.last_name,
        customer.email,
        customer.phone,
        customer.address.street,
        customer.address.postcode,
        customer.address.city,
        customer.country.code,
        customer.country.region,
        customer.date_of_birth.isoformat(),
        customer.iban,
        customer.card_number,
        timestamp_text(customer.created_at),
        customer.marketing_opt_in,
    )


def customer_address_rows(sample: Sample) -> list[Row]:
    rng = sample.rng
    rows: list[Row] = []
    for customer in sample.customers:
        people = sample.people[customer.country.code]
        extra: list[tuple[str, str, Address]] = []
        if rng.random() < 0.4:
            extra.append(("work", customer.full_name, people.address(rng)))
        if rng.random() < 0.15:
            extra.append(("gift", " ".join(people.full_name(rng)), people.address(rng)))
        for label, recipient, address in [("home", customer.full_name, customer.address), *extra]:
            address_id = len(rows) + 1
            customer.address_ids.append(address_id)
            rows.append(address_row(address_id, customer, label, recipient, address))
    return rows


def address_row(
    address_id: int, customer: Customer, label: str, recipient: str, address: Address
) -> Row:
    return (
        address_id,
        customer.customer_id,
        label,
        recipient,
        address.street,
        address.postcode,
        address.city,
        customer.country.code,
        label == "home",
    )


def order_rows(sample: Sample) -> list[Row]:
    """Orders and their lines are generated together so totals add up; lines are kept for later."""
    rng = sample.rng
    placed = [order_placement(sample, customer) for customer in order_customers(sample)]
    placed.sort(key=lambda placement: placement[1])  # order ids grow with time
    rows: list[Row] = []
    for order_id, (customer, ordered_at) in enumerate(placed, start=1):
        total = add_order_lines(sample, order_id)
        order = Order(
            order_id,
            f"SO-{order_id:08d}",
            customer,
            ordered_at,
            order_status(rng, ordered_at),
            total,
        )
        sample.orders.append(order)
        rows.append(order_row(rng, order))
    return rows


def order_customers(sample: Sample) -> list[Customer]:
    """Customers weighted by how long they have had an account, one entry per order."""
    tenure_days = [(REFERENCE_NOW - c.created_at).days + 1 for c in sample.customers]
    return sample.rng.choices(sample.customers, weights=tenure_days, k=sample.count("orders"))


def order_placement(sample: Sample, customer: Customer) -> tuple[Customer, datetime]:
    return customer, moment_between(sample.rng, customer.created_at, REFERENCE_NOW)


def order_status(rng: random.Random, ordered_at: datetime) -> str:
    if REFERENCE_NOW - ordered_at < timedelta(days=3):
        return rng.choice(("processing", "shipped"))
    return rng.choices(("delivered", "returned", "cancelled"), weights=(85, 6, 9))[0]


def add_order_lines(sample: Sample, order_id: int) -> Decimal:
    rng = sample.rng
    total = Decimal("0.00")
    line_count = rng.choices(ORDER_LINE_COUNTS, weights=ORDER_LINE_COUNT_WEIGHTS)[0]
    for _ in range(line_count):
        product = skewed_pick(rng, sample.products)
        quantity = rng.choices(QUANTITIES, weights=QUANTITY_WEIGHTS)[0]
        line_total = product.unit_price * quantity
        line_id = len(sample.order_lines) + 1
        sample.order_lines.append(
            (line_id, order_id, product.product_id, quantity, product.unit_price, line_total)
        )
        total += line_total
    return total


def order_row(rng: random.Random, order: Order) -> Row:
    return (
        order.order_id,
        order.customer.customer_id,
        rng.choice(order.customer.address_ids),
        order.order_number,
        timestamp_text(order.ordered_at),
        order.status,
        order.total_amount,
    )


def order_line_rows(sample: Sample) -> list[Row]:
    return sample.order_lines


def payment_rows(sample: Sample) -> list[Row]:
    return [
        payment_row(sample.rng, payment_id, order)
        for payment_id, order in enumerate(sample.orders, start=1)
    ]


def payment_status(order: Order) -> str:
    if order.status == "cancelled":
        return "voided"  # the authorisation was released, no money moved
    if order.status == "returned":
        return "refunded"
    return "captured"


def payment_row(rng: random.Random, payment_id: int, order: Order) -> Row:
    customer = order.customer
    roll = rng.random()
    method = "card"
    if customer.iban and roll < 0.35:
        method = "sepa_debit"
    elif roll > 0.9:
        method = "paypal"
    last4 = customer.card_number[-4:]
    is_card = method == "card"
    return (
        payment_id,
        order.order_id,
        method,
        payment_status(order),
        order.total_amount,
        timestamp_text(order.ordered_at + timedelta(seconds=rng.randint(5, 600))),
        customer.card_brand if is_card else None,
        last4 if is_card else None,
        f"**** **** **** {last4}" if is_card else None,
        customer.iban if method == "sepa_debit" else None,
        customer.email if method == "paypal" else None,
    )


def campaign_rows(sample: Sample) -> list[Row]:
    rng = sample.rng
    owners = sample.staff(MARKETING_ID)
    rows: list[Row] = []
    for campaign_id in range(1, sample.count("marketing_campaigns") + 1):
        starts_on = REFERENCE_DATE - timedelta(days=rng.randint(30, 3 * 365))
        ends_on = starts_on + timedelta(days=rng.randint(3, 28))
        target_region = rng.choice(CAMPAIGN_REGIONS)
        name = f"{season(starts_on)} {starts_on.year} {rng.choice(CAMPAIGN_THEMES)}"
        budget = money(rng.randrange(50_000, 5_000_000, 500))
        rows.append(
            (
                campaign_id,
                rng.choice(owners),
                name,
                target_region,
                starts_on.isoformat(),
                ends_on.isoformat(),
                budget,
            )
        )
        sample.campaigns.append(
            Campaign(campaign_id, target_region, start_of_day(starts_on), start_of_day(ends_on))
        )
    return rows


def season(day: date) -> str:
    return ("Winter", "Spring", "Summer", "Autumn")[day.month % 12 // 3]


def start_of_day(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def campaign_contact_rows(sample: Sample) -> list[Row]:
    per_campaign = max(1, sample.count("campaign_contacts") // len(sample.campaigns))
    rows: list[Row] = []
    for campaign in sample.campaigns:
        audience = campaign_audience(sample, campaign)
        for customer in sample.rng.sample(audience, min(per_campaign, len(audience))):
            rows.append(campaign_contact_row(sample.rng, len(rows) + 1, campaign, customer))
    if not rows:
        # Tiny scales can leave every audience empty; keep the table non-empty regardless.
        rows.append(campaign_contact_row(sample.rng, 1, sample.campaigns[0], sample.customers[0]))
    return rows


def campaign_audience(sample: Sample, campaign: Campaign) -> list[Customer]:
    return [
        customer
        for customer in sample.customers
        if customer.marketing_opt_in
        and customer.created_at < campaign.starts_at
        and campaign.target_region in ("ALL", customer.country.region)
    ]


def campaign_contact_row(
    rng: random.Random, contact_id: int, campaign: Campaign, customer: Customer
) -> Row:
    opened = rng.random() < 0.35
    return (
        contact_id,
        campaign.campaign_id,
        customer.customer_id,
        customer.email,
        timestamp_text(moment_between(rng, campaign.starts_at, campaign.ends_at)),
        opened,
        opened and rng.random() < 0.25,
    )


def support_ticket_rows(sample: Sample) -> list[Row]:
    agents = sample.staff(CUSTOMER_SERVICE_ID)
    return [
        support_ticket_row(sample, ticket_id, sample.rng.choice(sample.orders), agents)
        for ticket_id in range(1, sample.count("support_tickets") + 1)
    ]


def support_ticket_row(sample: Sample, ticket_id: int, order: Order, agents: list[int]) -> Row:
    rng = sample.rng
    opened_at = min(
        order.ordered_at + timedelta(minutes=rng.randint(30, 30 * 24 * 60)), REFERENCE_NOW
    )
    closed_at = opened_at + timedelta(minutes=rng.randint(10, 7 * 24 * 60))
    status = rng.choices(("open", "pending", "resolved", "closed"), weights=(10, 8, 30, 52))[0]
    if closed_at > REFERENCE_NOW:
        status = "open"
    is_closed = status in ("resolved", "closed")
    subject, body = ticket_text(sample, order)
    return (
        ticket_id,
        order.customer.customer_id,
        order.order_id,
        rng.choice(agents) if is_closed or rng.random() < 0.6 else None,
        rng.choice(("email", "email", "chat", "web_form")),
        rng.choices(("low", "normal", "high", "urgent"), weights=(25, 50, 20, 5))[0],
        status,
        subject,
        body,
        timestamp_text(opened_at),
        timestamp_text(closed_at) if is_closed else None,
    )


def ticket_text(sample: Sample, order: Order) -> tuple[str, str]:
    rng = sample.rng
    subject, core = rng.choice(ticket_templates(rng, order.customer))
    details = ticket_details(sample, order)
    greeting = rng.choice(TICKET_GREETINGS)
    sign_off = rng.choice(TICKET_SIGN_OFFS).format(**details)
    return subject.format(**details), f"{greeting}\n\n{core.format(**details)}\n\n{sign_off}"


def ticket_templates(rng: random.Random, customer: Customer) -> Sequence[tuple[str, str]]:
    if rng.random() >= PII_TICKET_SHARE:
        return PLAIN_TICKET_TEMPLATES
    return [
        (subject, body)
        for subject, body in PII_TICKET_TEMPLATES
        if customer.iban or "{iban}" not in body
    ]


def ticket_details(sample: Sample, order: Order) -> dict[str, str]:
    """Values a customer would type into a ticket; numbers are sometimes grouped as people do."""
    rng = sample.rng
    customer = order.customer
    card, iban = customer.card_number, customer.iban or ""
    return {
        "order": order.order_number,
        "name": customer.full_name,
        "first_name": customer.first_name,
        "email": customer.email,
        "phone": customer.phone,
        "address": customer.address.one_line(),
        "card": grouped_in_fours(card) if rng.random() < 0.5 else card,
        "iban": grouped_in_fours(iban) if rng.random() < 0.5 else iban,
        "expiry": f"{rng.randint(1, 12):02d}/{rng.randint(27, 31)}",
        "product": rng.choice(sample.products).name,
    }


def page_view_rows(sample: Sample) -> list[Row]:
    rows: list[Row] = []
    target = sample.count("page_views")
    while len(rows) < target:
        rows.extend(browsing_session(sample, first_id=len(rows) + 1))
    return rows[:target]


def browsing_session(sample: Sample, first_id: int) -> list[Row]:
    rng = sample.rng
    customer = rng.choice(sample.customers) if rng.random() < 0.45 else None
    session_id = f"{rng.getrandbits(128):032x}"
    ip, user_agent = ip_address(rng), rng.choice(sample.user_agents)
    viewed_at = moment_in_last_days(rng, 90)
    referrer = rng.choice(EXTERNAL_REFERRERS)
    rows: list[Row] = []
    for page_view_id in range(first_id, first_id + rng.randint(1, 8)):
        path = page_path(sample, customer)
        customer_id = customer.customer_id if customer else None
        rows.append(
            (
                page_view_id,
                session_id,
                customer_id,
                timestamp_text(viewed_at),
                path,
                referrer,
                ip,
                user_agent,
            )
        )
        referrer = SHOP_ORIGIN + path
        viewed_at += timedelta(seconds=rng.randint(5, 300))
    return rows


def page_path(sample: Sample, customer: Customer | None) -> str:
    rng = sample.rng
    roll = rng.random()
    if roll < 0.45:
        return f"/products/{skewed_pick(rng, sample.products).slug}"
    if roll < 0.60:
        return "/search?q=" + quote(rng.choice(rng.choice(PRODUCT_CATEGORIES)[2]).lower())
    if customer and roll < 0.61:
        # Leaky password-reset links are a classic place where emails end up in click logs.
        return f"/account/password-reset?email={quote(customer.email)}"
    return rng.choice(("/", "/cart", "/checkout", "/account/orders", "/help", "/sale"))


ROW_GENERATORS: Mapping[str, Callable[[Sample], list[Row]]] = {
    "departments": department_rows,
    "employees": employee_rows,
    "product_categories": category_rows,
    "suppliers": supplier_rows,
    "products": product_rows,
    "customers": customer_rows,
    "customer_addresses": customer_address_rows,
    "orders": order_rows,
    "order_lines": order_line_rows,
    "payments": payment_rows,
    "marketing_campaigns": campaign_rows,
    "campaign_contacts": campaign_contact_rows,
    "support_tickets": support_ticket_rows,
    "page_views": page_view_rows,
}


# --- DDL ---


def create_table_sql(table: Table, *, inline_foreign_keys: bool) -> str:
    columns = ",\n    ".join(column_sql(column, inline_foreign_keys) for column in table.columns)
    return f"CREATE TABLE {table.name} (\n    {columns}\n)"


def column_sql(column: Column, inline_foreign_keys: bool) -> str:
    parts = [column.name, column.sql_type]
    if column.primary_key:
        parts.append("PRIMARY KEY")
    elif not column.nullable:
        parts.append("NOT NULL")
    if column.references and inline_foreign_keys:
        parts.append(f"REFERENCES {column.references}")
    return " ".join(parts)


def foreign_key_sql(table: Table) -> list[str]:
    return [
        f"ALTER TABLE {table.name} ADD CONSTRAINT fk_{table.name}_{column.name} "
        f"FOREIGN KEY ({column.name}) REFERENCES {column.references}"
        for column in table.columns
        if column.references
    ]


def index_sql(table: Table) -> list[str]:
    return [
        f"CREATE INDEX ix_{table.name}_{column.name} ON {table.name} ({column.name})"
        for column in table.columns
        if column.references
    ]


def create_view_sql(view: View, engine: str) -> str:
    return f"CREATE VIEW {view.name} AS {view.sql.format(order_month=ORDER_MONTH_SQL[engine])}"


# --- Engines ---


class SqliteWriter:
    engine = "sqlite"

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def write_table(self, table: Table, rows: Sequence[Row]) -> None:
        self.connection.execute(create_table_sql(table, inline_foreign_keys=True))
        columns = ", ".join(table.column_names)
        placeholders = ", ".join("?" for _ in table.columns)
        insert = f"INSERT INTO {table.name} ({columns}) VALUES ({placeholders})"
        self.connection.executemany(insert, rows)

    def finish(self) -> None:
        for table in WAREHOUSE_TABLES:
            for statement in index_sql(table):
                self.connection.execute(statement)
        for view in WAREHOUSE_VIEWS:
            self.connection.execute(create_view_sql(view, self.engine))


class PostgresWriter:
    engine = "postgresql"

    def __init__(self, connection: psycopg.Connection[TupleRow]) -> None:
        self.connection = connection

    def write_table(self, table: Table, rows: Sequence[Row]) -> None:
        # Foreign keys are added after loading: one bulk check per key instead of one per row.
        self.connection.execute(create_table_sql(table, inline_foreign_keys=False))
        columns = sql.SQL(", ").join(sql.Identifier(name) for name in table.column_names)
        copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table.name), columns)
        with self.connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)

    def finish(self) -> None:
        for table in WAREHOUSE_TABLES:
            for statement in foreign_key_sql(table) + index_sql(table):
                self.connection.execute(statement)
        for view in WAREHOUSE_VIEWS:
            self.connection.execute(create_view_sql(view, self.engine))


Writer = SqliteWriter | PostgresWriter


@contextmanager
def sqlite_writer(path: Path) -> Iterator[SqliteWriter]:
    """Build into a temporary file next to the target and swap it in only when complete."""
    # sqlite3 has no Decimal support built in; Django registers this same adapter.
    sqlite3.register_adapter(Decimal, str)
    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        with closing(sqlite3.connect(building, isolation_level=None)) as connection:
            # No journal needed: a failed build is thrown away rather than rolled back.
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute("BEGIN")
            yield SqliteWriter(connection)
            connection.execute("COMMIT")
        flush_to_disk(building)
        os.replace(building, path)
    finally:
        building.unlink(missing_ok=True)


def flush_to_disk(path: Path) -> None:
    # synchronous=OFF skipped every fsync; one here makes the renamed file durable.
    with path.open("rb") as file:
        os.fsync(file.fileno())


@contextmanager
def postgres_writer(url: str, schema: str) -> Iterator[PostgresWriter]:
    """Replace the schema inside one transaction, so readers see the old or the new warehouse."""
    schema_name = sql.Identifier(schema)
    with psycopg.connect(url, autocommit=True) as connection, connection.transaction():
        connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(schema_name))
        connection.execute(sql.SQL("CREATE SCHEMA {}").format(schema_name))
        connection.execute(sql.SQL("SET LOCAL search_path TO {}").format(schema_name))
        yield PostgresWriter(connection)


# --- URLs ---


@dataclass(frozen=True)
class WarehouseTarget:
    engine: str  # "sqlite" or "postgresql"
    location: str  # SQLite file path or PostgreSQL connection URL


def parse_warehouse_url(url: str) -> WarehouseTarget:
    scheme, separator, rest = url.partition("://")
    if scheme == "sqlite" and rest.startswith("/") and len(rest) > 1:
        return WarehouseTarget("sqlite", rest[1:])
    if scheme in ("postgresql", "postgres") and separator:
        return WarehouseTarget("postgresql", url)
    raise ValueError(
        f"Unsupported warehouse URL {redact_url(url)!r}: expected "
        "'sqlite:///path/to/warehouse.sqlite3' or 'postgresql://user@host:port/dbname'."
    )


def redact_url(url: str) -> str:
    """Hide passwords in the user-info part and in a ?password= query parameter."""
    parts = urlsplit(url)
    netloc, query = parts.netloc, parts.query
    if parts.password is not None:
        user_info, _, host = netloc.rpartition("@")
        netloc = f"{user_info.partition(':')[0]}:***@{host}"
    query = re.sub(r"(?i)(^|&)(password=)[^&]*", r"\1\2***", query)
    if (netloc, query) == (parts.netloc, parts.query):
        return url
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def check_schema_name(schema: str) -> None:
    # The schema is dropped with CASCADE, so only accept names that are clearly the warehouse's.
    if not re.fullmatch(r"warehouse[a-z0-9_]{0,40}", schema):
        raise ValueError(
            f"Invalid warehouse schema {schema!r}: use lower-case letters, digits and "
            "underscores, starting with 'warehouse'."
        )


# --- Build ---


@dataclass(frozen=True)
class WarehouseSummary:
    engine: str
    location: str  # with any password masked
    row_counts: Mapping[str, int]
    elapsed_seconds: float

    @property
    def table_count(self) -> int:
        return len(self.row_counts)

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())

    @property
    def largest_table(self) -> str:
        return max(self.row_counts, key=lambda name: self.row_counts[name])


def warehouse_build(
    *,
    url: str,
    scale: float = 1.0,
    seed: int = DEFAULT_SEED,
    progress: ProgressCallback | None = None,
    schema: str = DEFAULT_SCHEMA,
) -> WarehouseSummary:
    """(Re)build the sample warehouse at url; schema only applies to PostgreSQL."""
    target = parse_warehouse_url(url)
    check_schema_name(schema)
    if not scale > 0:
        raise ValueError(f"Scale must be a positive number, got {scale!r}.")
    started = time.perf_counter()
    with open_writer(target, schema) as writer:
        row_counts = write_tables(writer, Sample(seed, scale), progress)
        writer.finish()
    elapsed = time.perf_counter() - started
    return WarehouseSummary(target.engine, redact_url(url), row_counts, elapsed)


@contextmanager
def open_writer(target: WarehouseTarget, schema: str) -> Iterator[Writer]:
    if target.engine == "sqlite":
        with sqlite_writer(Path(target.location)) as sqlite:
            yield sqlite
    else:
        with postgres_writer(target.location, schema) as postgres:
            yield postgres


def write_tables(
    writer: Writer, sample: Sample, progress: ProgressCallback | None
) -> dict[str, int]:
    row_counts: dict[str, int] = {}
    for table in WAREHOUSE_TABLES:
        rows = ROW_GENERATORS[table.name](sample)
        writer.write_table(table, rows)
        row_counts[table.name] = len(rows)
        if progress is not None:
            progress(table.name, len(rows))
    return row_counts
