"""Generation state: seeded random sources and the entities generated so far, shared by the
row generators; ROWS_AT_SCALE_1 sets how big each table grows."""

import random

from workbench.demo.warehouse.entities import Campaign, Customer, Order, Product
from workbench.demo.warehouse.people import locale_people
from workbench.demo.warehouse.reference import COUNTRIES, Country
from workbench.demo.warehouse.schema import Row

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
