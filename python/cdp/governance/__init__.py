"""Data governance from Python: the masked views BI readers get (PII hashed or redacted)."""
