"""`promptreg tui`: the registry in a terminal UI, built on Textual.

Imported only by the `tui` command (promptreg/cli/tui.py) and the tests: the linter,
the SDK and every other command never load textual. `app.make_app` builds the app.
"""
