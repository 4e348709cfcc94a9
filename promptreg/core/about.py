"""promptreg's own release number, for every layer to read without importing the package
root (whose lazy exports reach the SDK)."""

VERSION = "0.1.0"

DISTRIBUTION = "promptreg-standards"
"""The name to install from the package index. The bare `promptreg` there is an unrelated
project, so every install instruction, message and template names this one."""
