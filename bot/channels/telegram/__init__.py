"""Telegram: a python-telegram-bot Application over the channel core (`app` wires the rest)."""
