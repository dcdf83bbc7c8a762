"""The readers' desk: what readers ask besides questions (summaries, the latest news, topics to follow).

Built from the index's manifest and paragraphs, no model needed; `reply.Desk` answers a request.
"""
