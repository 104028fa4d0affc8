"""A pass over the sources: feeds fetched and prepared, items decided, pages and images fetched,
intents applied to the record; and re-checks of archived pages."""
