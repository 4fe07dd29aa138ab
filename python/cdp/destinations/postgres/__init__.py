"""PostgreSQL table: audience rows upserted, inserted, updated and deleted by key, a transaction a batch."""
