"""Starter content written for this Workbench: the three learning paths, "Data 101" and four short
modules, the badges (Bronze, Silver, Gold and event badges) and micro-learning tips.

Each course is a list of lessons (Markdown) and one quiz; each answer carries the feedback a
learner sees once the attempt is marked.
"""

from __future__ import annotations

from typing import Any

PATHS: list[dict[str, str]] = [
    {
        "tier": "bronze",
        "title": "Awareness",
        "description": "What data and AI are, how to read them and how to stay safe. Earns Bronze.",
    },
    {
        "tier": "silver",
        "title": "Proficiency",
        "description": "Use data and AI at work, with privacy and policy built in. Earns Silver.",
    },
    {
        "tier": "gold",
        "title": "Fluency",
        "description": "Improve the data others rely on and help colleagues grow. Earns Gold.",
    },
]

# (text, is_correct, feedback)
Q = tuple[str, str, list[tuple[str, bool, str]]]


def _quiz(title: str, pass_mark: int, attempts: int | None, questions: list[Q]) -> dict[str, Any]:
    return {"title": title, "pass_mark": pass_mark, "attempts": attempts, "questions": questions}


DATA_101_LESSONS = [
    (
        "Reading charts without being fooled",
        """A chart is an argument. Before you believe it, read it like a sceptic:

1. **Read the axes first.** What is measured, in which unit, over which period? A y-axis that
   does not start at zero makes small differences look dramatic.
2. **Check the baseline.** "Sales up 40 %" — compared with what? Last month, last year, or a
   quiet week?
3. **Look for the denominator.** 300 complaints means little without the number of orders. Rates
   and shares are usually more honest than raw counts.
4. **Averages hide spread.** A mean salary of 60k can come from everyone earning 60k or from a few
   very high earners. Ask for the **median** and the distribution.
5. **Correlation is not causation.** Ice-cream sales and sunburn rise together; neither causes
   the other — the weather does.

| Chart | Good for | Watch out for |
|---|---|---|
| Bar | comparing categories | truncated axes |
| Line | trends over time | uneven time steps |
| Pie | parts of one whole (few slices) | more than five slices |
| Scatter | relationships between two measures | outliers driving the story |

> In the Workbench, every dashboard chart also has a table with the same numbers. When a chart
> surprises you, open the table.
""",
    ),
    (
        "Basic SQL: asking a table a question",
        """SQL is how you ask a database a question. Four words carry most questions:

```sql
SELECT region, COUNT(*) AS orders, SUM(amount) AS revenue
FROM sales.orders
WHERE order_date >= DATE '2026-01-01'
GROUP BY region
ORDER BY revenue DESC;
```

- `SELECT` names the columns you want back (and calculations such as `COUNT`, `SUM`, `AVG`).
- `FROM` names the table — in the Workbench, find it in the **Catalog** first and prefer a
  **certified** table.
- `WHERE` filters rows *before* grouping. Text values go in single quotes.
- `GROUP BY` makes one row per group; every selected column is either grouped or aggregated.
- `ORDER BY … DESC` sorts, largest first; add `LIMIT 10` for a top ten.

**Joins** combine tables on a shared key: `JOIN crm.customers c ON c.id = o.customer_id`.
Check the row count before and after a join: if it grows unexpectedly, the key was not unique.

`NULL` means "unknown", not zero: `WHERE discount = NULL` finds nothing; write
`WHERE discount IS NULL`.
""",
    ),
    (
        "Privacy hygiene every day",
        """Personal data is anything that identifies a person directly (name, e-mail, phone) or in
combination (postcode + birth date + job title). Five habits keep you and our customers safe:

1. **Use the least data that answers the question.** Counts per region rarely need names.
2. **State your purpose.** Access requests ask *why*; a clear purpose gets a faster, safer yes.
3. **Keep data where it lives.** Don't export tables to your laptop or paste rows into e-mails
   or chat. Share a link to the asset instead.
4. **Trust the masking.** Previews show masked values (`j***@example.com`) unless you hold a grant.
   Never try to reverse them.
5. **Report surprises.** Found personal data in a table that was not marked? Tell its steward —
   the catalog page names them.

The Workbench records every preview and decision in the audit trail. That protects you as much
as the data: it shows you did the right thing.
""",
    ),
]

DATA_101_QUIZ = _quiz(
    "Data 101 check",
    70,
    3,
    [
        (
            "A bar chart's y-axis starts at 95 instead of 0. What is the risk?",
            "single",
            [
                (
                    "Small differences look much bigger than they are.",
                    True,
                    "Right: a truncated axis exaggerates differences. Check the scale first.",
                ),
                (
                    "The chart shows the wrong data.",
                    False,
                    "The data can be right; it is the visual impression that misleads.",
                ),
                (
                    "None, starting at 95 is always better.",
                    False,
                    "Not for bar charts: bar length must be proportional to the value.",
                ),
            ],
        ),
        (
            "Which SQL clause filters rows before they are grouped?",
            "single",
            [
                ("WHERE", True, "Yes. HAVING filters after grouping."),
                ("ORDER BY", False, "ORDER BY only sorts the result."),
                ("GROUP BY", False, "GROUP BY makes groups; it does not filter."),
            ],
        ),
        (
            "How do you find rows whose discount is unknown?",
            "single",
            [
                ("WHERE discount IS NULL", True, "Right: NULL is compared with IS NULL."),
                ("WHERE discount = NULL", False, "Comparing with = NULL never matches anything."),
                ("WHERE discount = 0", False, "Zero is a known value; NULL means unknown."),
            ],
        ),
        (
            "Which are good privacy habits? (pick all that apply)",
            "multiple",
            [
                (
                    "Share a link to the catalog asset instead of a file export.",
                    True,
                    "Yes: the data stays governed and masked.",
                ),
                (
                    "State a clear purpose when you request access.",
                    True,
                    "Yes: purpose is what stewards decide on.",
                ),
                (
                    "Paste a few customer rows into chat to ask a colleague.",
                    False,
                    "No: that copies personal data outside its controls.",
                ),
                (
                    "Use counts per region when names are not needed.",
                    True,
                    "Yes: the least data that answers the question.",
                ),
            ],
        ),
    ],
)

COURSES: list[dict[str, Any]] = [
    {
        "slug": "data-101",
        "path": "bronze",
        "position": 1,
        "title": "Data 101: charts, SQL and privacy",
        "summary": "A crash course for everyone: read charts critically, ask a table a question "
        "in SQL, and handle personal data safely.",
        "minutes": 25,
        "lessons": DATA_101_LESSONS,
        "quiz": DATA_101_QUIZ,
    },
    {
        "slug": "ai-assistants-and-agents",
        "path": "silver",
        "position": 1,
        "title": "How AI assistants and agents work",
        "summary": "What a language model does, why it sometimes makes things up, and what "
        "changes when it can act on its own.",
        "minutes": 15,
        "lessons": [
            (
                "What a language model really does",
                """A large language model predicts the next piece of text, one token at a time,
from patterns in the text it was trained on. It does not look facts up unless a tool gives it
documents to read.

- **It can be fluent and wrong.** A confident answer is not a checked answer ("hallucination").
- **Context is everything.** The prompt and the documents you give it are all it knows about
  your question. In the sandbox, context rows come through the governed data path, masked.
- **It has a cut-off.** It knows nothing that happened after its training data was collected.
""",
            ),
            (
                "Agents: models that act",
                """An **agent** is a model that can call tools — search, run a query, send a
message — and decide the next step from the result.

That power needs guardrails:

1. **Least privilege**: an agent gets only the tools and data its task needs.
2. **A human approves** actions that change things (sending, deleting, paying).
3. **Everything is logged**, so you can replay what it did and why.

If an agent's output will be used for a decision about a person, a human must review it.
""",
            ),
        ],
        "quiz": _quiz(
            "AI assistants check",
            70,
            None,
            [
                (
                    "Why can an assistant give a fluent but wrong answer?",
                    "single",
                    [
                        (
                            "It predicts likely text; it does not check facts by itself.",
                            True,
                            "Right: verify answers that matter.",
                        ),
                        (
                            "Because the internet is down.",
                            False,
                            "Models answer from patterns, with or without a connection.",
                        ),
                        (
                            "It never does when the prompt is polite.",
                            False,
                            "Politeness does not make a model factual.",
                        ),
                    ],
                ),
                (
                    "Which guardrails belong to a well-run agent? (pick all that apply)",
                    "multiple",
                    [
                        ("Only the tools and data its task needs.", True, "Least privilege."),
                        ("A human approves actions that change things.", True, "Yes."),
                        ("Logs switched off for speed.", False, "Logs are how you audit it."),
                    ],
                ),
            ],
        ),
    },
    {
        "slug": "privacy-in-practice",
        "path": "silver",
        "position": 2,
        "title": "Data and privacy in practice",
        "summary": "Classifications, masking, purposes and grants: how the Workbench keeps "
        "personal data safe, and what is yours to do.",
        "minutes": 15,
        "lessons": [
            (
                "Classifications and masking",
                """Every table and column carries a **classification**: public, internal,
confidential or restricted. Columns with personal data also carry a **PII type** (e-mail, phone,
IBAN, national id…).

When you preview data, the Workbench applies the masking rule for each type: partial masking
(`j***@example.com`), keyed hashes that still join, generalisation (birth year instead of birth
date) or redaction. The rule follows the data into the sandbox and into models you train.
""",
            ),
            (
                "Purpose, grants and expiry",
                """Access to more than a masked preview needs a **grant**. You ask for it with a
purpose ("Churn analysis for Q3 retention campaign"), the steward of the data's domain decides,
and the grant **expires** by itself.

Good requests are specific: which table, which action (preview, query, use in sandbox, train),
for what and for how long. Vague purposes ("analysis") get questions back.
""",
            ),
        ],
        "quiz": _quiz(
            "Privacy in practice check",
            70,
            None,
            [
                (
                    "What makes an access request quick to approve?",
                    "single",
                    [
                        ("A specific purpose, action and duration.", True, "Exactly."),
                        (
                            "Asking for everything, just in case.",
                            False,
                            "Broad requests are refused or questioned.",
                        ),
                        ("Leaving the purpose empty.", False, "Purpose is required for a reason."),
                    ],
                ),
                (
                    "Masking rules apply… (pick all that apply)",
                    "multiple",
                    [
                        ("in catalog previews", True, "Yes."),
                        ("to context rows in the sandbox", True, "Yes: the same governed path."),
                        (
                            "only when you remember to switch them on",
                            False,
                            "No: they are on by construction.",
                        ),
                    ],
                ),
            ],
        ),
    },
    {
        "slug": "prompt-patterns-and-red-lines",
        "path": "silver",
        "position": 3,
        "title": "Prompt patterns and policy red lines",
        "summary": "Prompts that work, and the lines no prompt may cross.",
        "minutes": 15,
        "lessons": [
            (
                "Prompt patterns that work",
                """- **Role and goal**: "You are a marketing analyst. Summarise…"
- **Context, then question**: paste (governed) context first, ask last.
- **Format**: "Answer as a table with columns region, change, reason."
- **Examples**: one or two input → output pairs steer better than long instructions.
- **Ask for uncertainty**: "Say 'not in the data' when the context does not answer it."
""",
            ),
            (
                "Red lines",
                """Never, whatever the prompt:

1. Send **restricted** data to a model that is not approved for it.
2. Ask a model to **re-identify** people behind masked or aggregated data.
3. Use AI output as the **sole basis** of a decision about a person (hiring, credit, dismissal).
4. Paste **credentials** or keys into a prompt.

The sandbox's guardrails block the first two; the last two are on you.
""",
            ),
        ],
        "quiz": _quiz(
            "Prompts and red lines check",
            70,
            None,
            [
                (
                    "Which of these crosses a red line?",
                    "single",
                    [
                        (
                            "Asking a model who is behind a masked e-mail address.",
                            True,
                            "Right: re-identification is never allowed.",
                        ),
                        ("Asking for the answer as a table.", False, "That is a format pattern."),
                        (
                            "Giving two examples of the output you want.",
                            False,
                            "That is a good pattern.",
                        ),
                    ],
                ),
                (
                    "Which patterns improve answers? (pick all that apply)",
                    "multiple",
                    [
                        ("Context first, question last.", True, "Yes."),
                        ("Ask it to say when the data does not answer.", True, "Yes."),
                        (
                            "Hide the goal so the model is not biased.",
                            False,
                            "A clear goal helps the model.",
                        ),
                    ],
                ),
            ],
        ),
    },
    {
        "slug": "quality-and-feedback",
        "path": "gold",
        "position": 1,
        "title": "Quality and feedback",
        "summary": "Data quality dimensions, quality checks, and closing the loop with the "
        "people who own the data.",
        "minutes": 15,
        "lessons": [
            (
                "Dimensions of quality",
                """Quality is fitness for a purpose. Check the dimensions that matter for yours:
**completeness** (missing values), **validity** (values in the allowed set), **uniqueness**
(no duplicate keys), **timeliness** (fresh enough), **consistency** (totals agree across tables).

Catalog pages show each table's profile and its quality checks with their history.
""",
            ),
            (
                "Closing the loop",
                """Found a problem? Make it fixable:

1. Describe it with evidence: the query, the count, an example (masked).
2. Tell the asset's steward — the catalog names them — not a general channel.
3. Suggest a **quality check** so it is caught next time.
4. When you certify or improve a dataset, say so: others can trust it.

Mentoring a newcomer as a data buddy is feedback too: it spreads good habits.
""",
            ),
        ],
        "quiz": _quiz(
            "Quality and feedback check",
            70,
            None,
            [
                (
                    "Duplicate customer ids break which dimension?",
                    "single",
                    [
                        ("Uniqueness", True, "Right."),
                        ("Timeliness", False, "Timeliness is about freshness."),
                        ("Completeness", False, "Completeness is about missing values."),
                    ],
                ),
                (
                    "A good quality report includes… (pick all that apply)",
                    "multiple",
                    [
                        ("the query and counts as evidence", True, "Yes."),
                        ("a suggested check to catch it next time", True, "Yes."),
                        (
                            "unmasked customer rows as examples",
                            False,
                            "No: masked examples are enough.",
                        ),
                    ],
                ),
            ],
        ),
    },
]

BADGES: list[dict[str, Any]] = [
    {
        "slug": "bronze-data-awareness",
        "name": "Bronze: Data Awareness",
        "tier": "bronze",
        "points": 20,
        "colour": "#8c5a2b",
        "description": "Reads charts critically, asks simple questions in SQL and handles "
        "personal data safely.",
        "criteria_narrative": "Completed the course “Data 101: charts, SQL and privacy”, "
        "including its quiz.",
        "criteria": [{"kind": "course_completed", "course": "data-101"}],
    },
    {
        "slug": "silver-data-proficiency",
        "name": "Silver: Data Proficiency",
        "tier": "silver",
        "points": 40,
        "colour": "#4f5b66",
        "description": "Uses data and AI at work with privacy and policy built in.",
        "criteria_narrative": "Holds Bronze and completed “How AI assistants and agents work”, "
        "“Data and privacy in practice” and “Prompt patterns and policy red lines”.",
        "criteria": [
            {"kind": "badge_earned", "badge": "bronze-data-awareness"},
            {"kind": "course_completed", "course": "ai-assistants-and-agents"},
            {"kind": "course_completed", "course": "privacy-in-practice"},
            {"kind": "course_completed", "course": "prompt-patterns-and-red-lines"},
        ],
    },
    {
        "slug": "gold-data-fluency",
        "name": "Gold: Data Fluency",
        "tier": "gold",
        "points": 80,
        "colour": "#8a6d00",
        "description": "Improves the data others rely on and helps colleagues grow.",
        "criteria_narrative": "Holds Silver, completed “Quality and feedback” and mentored a "
        "newcomer as a data buddy.",
        "criteria": [
            {"kind": "badge_earned", "badge": "silver-data-proficiency"},
            {"kind": "course_completed", "course": "quality-and-feedback"},
            {"kind": "platform_event", "event": "community.buddy_mentor", "count": 1},
        ],
    },
    {
        "slug": "purposeful-requester",
        "name": "Purposeful Requester",
        "points": 10,
        "colour": "#2f6f4f",
        "description": "Asked for data access with a clear purpose, and got it.",
        "criteria_narrative": "Had an access request with a stated purpose approved by a steward.",
        "criteria": [{"kind": "platform_event", "event": "governance.access_approved", "count": 1}],
    },
    {
        "slug": "data-curator",
        "name": "Data Curator",
        "points": 15,
        "colour": "#1f5f8b",
        "description": "Certified a dataset others can trust.",
        "criteria_narrative": "Certified a dataset in the catalog.",
        "criteria": [{"kind": "platform_event", "event": "catalog.dataset_certified", "count": 1}],
    },
    {
        "slug": "prompt-practitioner",
        "name": "Prompt Practitioner",
        "points": 15,
        "colour": "#6a3d9a",
        "description": "Practised prompting in the governed sandbox.",
        "criteria_narrative": "Ran 25 prompts in the sandbox.",
        "criteria": [{"kind": "platform_event", "event": "sandbox.prompt_run", "count": 25}],
    },
    {
        "slug": "model-maker",
        "name": "Model Maker",
        "points": 30,
        "colour": "#9b2f2f",
        "description": "Built a citizen model that passed review and went live.",
        "criteria_narrative": "Had a citizen model promoted by the AI council.",
        "criteria": [{"kind": "platform_event", "event": "sandbox.model_promoted", "count": 1}],
    },
    {
        "slug": "data-buddy",
        "name": "Data Buddy",
        "points": 15,
        "colour": "#2b7a78",
        "description": "Mentored a newcomer through their first steps with data.",
        "criteria_narrative": "Was paired by HR as a data buddy mentor for a quarter.",
        "criteria": [{"kind": "platform_event", "event": "community.buddy_mentor", "count": 1}],
    },
    {
        "slug": "insight-of-the-month",
        "name": "Insight of the Month",
        "points": 25,
        "colour": "#b5523b",
        "description": "Found an insight in data that changed what the team did.",
        "criteria_narrative": "Awarded by the person's manager (or HR) with a citation "
        "describing the insight.",
        "criteria": [{"kind": "manual", "role": "Manager"}],
    },
]

TIPS: list[dict[str, str]] = [
    {
        "key": "personal-data",
        "title": "Personal data",
        "course": "data-101",
        "body": "Anything that identifies a person, alone or combined (postcode + birth date). "
        "Use the least of it that answers your question.",
    },
    {
        "key": "masking",
        "title": "Why values are masked",
        "course": "privacy-in-practice",
        "body": "Previews mask personal data by its type unless you hold a grant. Masking follows "
        "the data into the sandbox and into models.",
    },
    {
        "key": "certified-dataset",
        "title": "Certified datasets",
        "course": "quality-and-feedback",
        "body": "A steward vouches for a certified table's definitions and quality until its "
        "certification expires. Prefer them for reporting.",
    },
    {
        "key": "access-purpose",
        "title": "A good purpose",
        "course": "privacy-in-practice",
        "body": "Say what you will do, with which data, for how long: “Churn analysis for the "
        "Q3 retention campaign, 30 days”.",
    },
    {
        "key": "prompt-red-lines",
        "title": "Prompt red lines",
        "course": "prompt-patterns-and-red-lines",
        "body": "Never ask a model to re-identify people, and never let its output alone decide "
        "about a person.",
    },
    {
        "key": "median",
        "title": "Mean or median?",
        "course": "data-101",
        "body": "A few very large values pull the mean up; the median (the middle value) shows "
        "what is typical.",
    },
]
