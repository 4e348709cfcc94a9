"""Secrets, personal data, links and invisible characters in plain strings, for every
layer that handles text.

The linter's X rules map these detections to places in a prompt file; the eval runner,
the bundle builder and the importers call the same detectors on whatever strings they
hold. This layer imports only `promptreg.core` and the standard library:

    find_secrets(text)                         secrets.py  (X001 formats, X002 entropy)
    find_personal(text, allowed_email_domains) personal.py (X101-X105)
    find_links(text, allowed_domains)          links.py    (X202)
    find_invisible(text)                       invisible.py (X301)
    redact(text, allowed_email_domains=...)    redact.py
"""
