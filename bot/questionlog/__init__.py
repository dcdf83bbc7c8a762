"""The question log: what readers asked, what the bot answered, and their feedback (docs/operating.md)."""
