"""The TUI's screens: the browser, one prompt, help."""
