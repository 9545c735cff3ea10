from django.apps import AppConfig


class LiteracyConfig(AppConfig):
    """Literacy courses, badges, leaderboard and OKRs.

    The app is registered so that its place in the layout is fixed; its features arrive with later
    issues, and the navigation shows nothing for it until they do.
    """

    name = "literacy"
    verbose_name = "Literacy"
