from clipdesk.cli import run

raise SystemExit(run())
