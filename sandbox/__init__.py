"""Prompt-engineering sandbox and the citizen-model promotion workflow."""
