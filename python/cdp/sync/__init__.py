"""The reverse-ETL sync engine: reads audience rows from the warehouse, diffs them against the sync state it
keeps in the warehouse (schema ``cdp_sync``), and sends only what changed to each destination, in idempotent
batches, with retries, rate limits and row-level rejections written back."""
