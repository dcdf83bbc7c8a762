"""Headless Chromium through Playwright, for tests that look at a page as a person does.

Debian's `chromium` package is the browser (Playwright's own download is not used: no browser is
fetched at run time); `make browser` installs it where it can. `why_not()` says why no browser can
run here, for a skip.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

# Quiet, offline, reproducible: no GPU, no background fetches, no first-run or update prompts.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


def why_not() -> str | None:
    """None when a browser can run; else the reason."""
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (it is in the dev extra: make install-test)"
    if chromium() is None:
        return "no Chromium on this machine: `make browser` (or apt-get install chromium) installs Debian's"
    return None


def launch(playwright):
    """A headless Chromium browser (close it, or leave it to the Playwright context manager)."""
    return playwright.chromium.launch(executable_path=chromium(), args=ARGS)
