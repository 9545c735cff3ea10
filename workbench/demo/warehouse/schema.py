"""The warehouse's shape: tables, columns (with the PII each holds, ground truth for scanners)
and views, described once and turned into DDL for either engine."""

from dataclasses import dataclass

Row = tuple[object, ...]


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
