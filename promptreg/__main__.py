"""`python -m promptreg`."""

from promptreg.cli.main import main

raise SystemExit(main())
