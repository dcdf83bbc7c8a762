"""Topics to follow: readers subscribe to a subject and get one message when a new article matches it.

`store` (the database rows), `match` and `message` (pure), `sender` (the outbox drained within each
platform's limits), `service` (what the channels and the refresh call: `notify_followers`).
"""
