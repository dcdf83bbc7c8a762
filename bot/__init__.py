"""hoibao's bot: answers about Vietnamese news articles, each with the paragraph it came from.

Rooms by role, imports pointing down (README "Design → Rooms"; the contract is pyproject.toml
[tool.importlinter]): cli → channels, evaluate → report → followers → questionlog → chat → llm →
crawl → service → core, desk → settings, messages; beneath them ingest/ and index/.
"""
