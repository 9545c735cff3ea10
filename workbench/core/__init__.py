"""Cross-cutting plumbing: request context, logging, health, home page, error pages, API basics."""
