"""Google Ads Customer Match: hashed identifiers added to / removed from a customer list, a job per batch."""
