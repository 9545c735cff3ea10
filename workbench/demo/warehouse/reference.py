"""Fixed reference data the generators draw from: countries, departments, product categories,
ticket texts and the frozen "today" that keeps every build identical."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

# "Today" for the sample data: a fixed moment keeps every build identical.
REFERENCE_NOW = datetime(2026, 6, 30, 17, 0, tzinfo=UTC)
REFERENCE_DATE = REFERENCE_NOW.date()


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
