"""Braze user profiles: attributes tracked by external id (the customer id), profiles deleted on removal."""
