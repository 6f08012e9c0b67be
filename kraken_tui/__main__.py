"""`python -m kraken_tui` runs the command line."""

from kraken_tui.cli import main

raise SystemExit(main())
