"""Newsroom sites into answers: the refresh every command and bot runs, and the publish hook's worker."""
