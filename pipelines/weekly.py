"""Entry point for Prefect deployments (``prefect.yaml``): the flows live in :mod:`voc.flows`.

``python pipelines/weekly.py CONFIG`` serves the weekly deployment against the Prefect server in
``PREFECT_API_URL``; ``voc serve --config CONFIG`` does the same and starts and owns that server.
"""

from __future__ import annotations

from voc.flows import backfill_voc, weekly_voc

__all__ = ["backfill_voc", "weekly_voc"]

if __name__ == "__main__":
    import sys

    from voc.cli import main

    sys.argv = ["voc", "serve", "--config", sys.argv[1] if len(sys.argv) > 1 else "configs/pipeline.yaml"]
    main()
