"""Text rules shared by every stage: charsets, escaping, URLs, the date line, printable names."""
