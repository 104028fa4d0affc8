"""From feed bytes to candidates ready for the record: parse, sanitize, text, hash (pure)."""
