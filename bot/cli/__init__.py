"""`hoibao`, the command line: `main` parses and dispatches, one module per command group.

Only `bot.__main__` and the `hoibao` entry point import it; nothing in `bot` imports upward into it.
"""
