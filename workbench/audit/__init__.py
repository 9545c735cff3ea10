"""The append-only, hash-chained audit trail that every feature writes to."""
