"""``python -m app`` is the ``skinlab`` command."""

import os

if os.environ.get("SKINLAB_BENCH_BASELINE"):  # the start-up benchmark's yardstick (app.paint_probe)
    from app.paint_probe import baseline

    raise SystemExit(baseline(os.environ["SKINLAB_BENCH_BASELINE"]))

from app.cli import main

raise SystemExit(main())
