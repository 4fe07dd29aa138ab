"""Meta Custom Audiences: hashed identifiers added to / removed from a customer-list audience."""
