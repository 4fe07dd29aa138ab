"""File export: each run's changes written as CSV or Parquet part files, one per batch."""
