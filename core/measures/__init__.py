"""The measures database: YAML source data, validation, SQLite build and queries (no Qt)."""
