"""Row generators, one per table, in load order; ROW_GENERATORS maps table names to them."""

import random
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from urllib.parse import quote

from workbench.demo.warehouse.entities import Address, Campaign, Customer, Order, Product
from workbench.demo.warehouse.people import LocalePeople, national_id
from workbench.demo.warehouse.randomness import (
    ascii_slug,
    birth_date,
    grouped_in_fours,
    ip_address,
    moment_between,
    moment_in_last_days,
    money,
    skewed_pick,
    timestamp_text,
)
from workbench.demo.warehouse.reference import (
    CAMPAIGN_REGIONS,
    CAMPAIGN_THEMES,
    CARD_BRANDS,
    CARD_TYPE_WEIGHTS,
    CARD_TYPES,
    COMPANY_EMAIL_DOMAIN,
    CUSTOMER_SERVICE_ID,
    DEPARTMENTS,
    EXTERNAL_REFERRERS,
    MARKETING_ID,
    OFFICE_COUNTRIES,
    OFFICE_WEIGHTS,
    ORDER_LINE_COUNT_WEIGHTS,
    ORDER_LINE_COUNTS,
    PARENT_CATEGORIES,
    PII_TICKET_SHARE,
    PII_TICKET_TEMPLATES,
    PLAIN_TICKET_TEMPLATES,
    PRODUCT_ADJECTIVES,
    PRODUCT_CATEGORIES,
    PRODUCT_COLOURS,
    QUANTITIES,
    QUANTITY_WEIGHTS,
    REFERENCE_DATE,
    REFERENCE_NOW,
    SHOP_ORIGIN,
    TICKET_GREETINGS,
    TICKET_SIGN_OFFS,
)
from workbench.demo.warehouse.sample import Sample
from workbench.demo.warehouse.schema import Row


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
