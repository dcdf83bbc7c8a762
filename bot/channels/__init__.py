"""The chat channels: one core (`core`) and thin platform adapters (Telegram, Zalo, the console)."""
