"""`hoibao report`: the editors' report from the question log (docs/operating.md, "The editors' report")."""

from __future__ import annotations

import argparse


def cmd_report(args: argparse.Namespace) -> int:
    """Write DIR/report.html and print the same figures as text; a missing or empty log is one `hoibao:` line."""
    from bot.cli import _settings
    from bot.cli_files import writable_folder
    from bot.report import make, similarity_from_settings, write
    from bot.report.plain import text

    settings = _settings(args)
    writable_folder(args.out, "--out")  # before the log is read: a wrong folder is said at once
    report = make(settings.database_url, args.days, lambda: similarity_from_settings(settings))
    path = write(report, args.out)
    print(text(report))
    print(f"\nTrang báo cáo: {path}")
    return 0
