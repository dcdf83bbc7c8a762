"""The chat channels: one core (`core`) and thin platform adapters (`telegram/`, `zalo/`, `console`).

`render` turns an Answer into each platform's text, `serve` starts the bots with the `background/` work
beside them (the seeds folder watched, the index followed, scheduled refreshes, publish hooks).
"""
