from django.apps import AppConfig


class SandboxConfig(AppConfig):
    """Prompt-engineering sandbox and the citizen-model promotion workflow.

    The app is registered so that its place in the layout is fixed; its features arrive with later
    issues, and the navigation shows nothing for it until they do.
    """

    name = "sandbox"
    verbose_name = "Sandbox"
