"""Zalo Bot Platform: its HTTP API (`api`) and the channel over the channel core (`app`)."""
