"""Values every detector must find, shared by the detect tests.

Token-like values are written as concatenations, so that no complete look-alike of a
provider's token appears in the source for a repository secret scanner to flag.
"""

from __future__ import annotations

SECRETS = {
    "AWS access key ID": "AKIA" + "IOSFODNN7EXAMPLE",
    "OpenAI API key": "sk-proj-" + "a1B2c3D4e5" * 5,
    "GitHub token": "ghp_" + "a1" * 18,
    "Slack token": "xox" + "b-000000000000-0000000000000-EXAMPLEexample",
    "JSON Web Token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl",
    "connection string with a password": "postgres://app:s3cretPass@db.acme.io:5432",
    "high-entropy": "Zq8xT1vR4mN7pK2wY9bC5dF3",
}
"""Format name (or high-entropy) → a value that is exactly what is detected."""

ASSIGNED = ("password = 'Winter2026!'", "Winter2026!")
"""A `name = value` text and the secret in it: the name is not part of the secret."""

PERSONAL = {
    "email": "jane.doe@gmail.com",
    "phone": "+44 7911 123456",
    "card": "4111 1111 1111 1111",
    "ssn": "123-45-6789",
    "iban": "GB82 WEST 1234 5698 7654 32",
}

FILLER = ("the", "customer", "asked", "about", "a", "refund", "and", "then", "waited", "ok")
"""Words that introduce nothing: no detector reads them as context."""
