from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """Data catalog: sources, assets, glossary, classification, lineage and scans.

    The app is registered so that its place in the layout is fixed; its features arrive with later
    issues, and the navigation shows nothing for it until they do.
    """

    name = "catalog"
    verbose_name = "Catalog"
