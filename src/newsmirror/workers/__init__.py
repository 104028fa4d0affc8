"""Workers of the shared database (``[store] url``): any number of ``newsmirror worker``
processes, on any number of machines, share the due sources and re-checks through leases
(``leases.py``) and keep per-host politeness together (``politeness.py``); each registers
itself and renews what it holds while it works (``registry.py``); ``loop.py`` runs one.

The tables are ``store/postgres/migrations/0005_workers.sql``'s."""
