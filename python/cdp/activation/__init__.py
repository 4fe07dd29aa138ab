"""Audiences as code: YAML declarations under ``activation/audiences/`` compiled into dbt models under
``models/audiences/`` (``cdp audiences compile``), and the destinations they sync to
(``activation/destinations.yml``)."""
