"""One module per rule family; each exposes RULES, a tuple of Rule records."""
