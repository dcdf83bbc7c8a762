"""The Qdrant backend: one collection per build behind an alias, on a server or in qdrant-client's local mode.

Shaped like `index.faiss`: `backend` (what `index.backend.Location` calls), `build` (full or incremental,
over the neutral plan of `index.build`), `store` (a collection read as an `index.search.SearchIndex`) and
`layout` (points and metadata); `engine` is the narrow surface of every Qdrant call, `client` and `edge`
its implementations, `engines` the one engine per store a process opens, `target` where the store is.
"""
