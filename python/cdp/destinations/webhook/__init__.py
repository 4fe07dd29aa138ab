"""A generic webhook: each batch is one POST with an ``Idempotency-Key`` header; the receiver answers per
row."""
