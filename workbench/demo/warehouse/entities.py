"""In-memory entities (customers, products, orders, ...) that later generators refer back to."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from workbench.demo.warehouse.reference import Country


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
