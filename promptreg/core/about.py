"""promptreg's own release number, for every layer to read without importing the package
root (whose lazy exports reach the SDK)."""

VERSION = "0.1.0"
