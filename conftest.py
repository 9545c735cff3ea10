"""Root pytest configuration: registers the shared fixtures."""

pytest_plugins = [
    "tests.fixtures.personas",
    "tests.fixtures.clients",
    "tests.fixtures.services",
    "tests.catalog.sources_fixtures",
    "tests.fixtures.audit",
]
