"""The standards linter: a rule catalogue, per-file checks, findings as data."""
