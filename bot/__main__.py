"""`python -m bot` is `hoibao`."""

import sys

from bot.cli import main

sys.exit(main())
