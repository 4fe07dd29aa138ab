"""Data contracts checked with great-expectations over what dbt built (``cdp contracts``)."""
