"""`hoibao report`: the editors' report from the question log (docs/operating.md, "The editors' report")."""

from __future__ import annotations

import argparse

from bot.settings import Settings


def report(settings: Settings, args: argparse.Namespace) -> int:
    """Write DIR/report.html and print the same figures as text; a missing or empty log is one `hoibao:` line."""
    from bot.cli.files import writable_folder
    from bot.report.build import make, similarity_from_settings, write
    from bot.report.plain import text

    writable_folder(args.out, "--out")  # before the log is read: a wrong folder is said at once
    made = make(settings.database_url, args.days, lambda: similarity_from_settings(settings))
    path = write(made, args.out)
    print(text(made))
    print(f"\nTrang báo cáo: {path}")
    return 0
