"""``python -m app`` is the ``skinlab`` command."""

from app.cli import main

raise SystemExit(main())
