"""Literacy courses, badges, leaderboard and OKRs."""
