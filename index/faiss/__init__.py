"""The FAISS backend: build directories under HOIBAO_INDEX_DIR, memory-mapped by each reader.

Shaped like `index.qdrant`: `backend` (what `index.backend.Location` calls), `build` (the neutral plan of
`index.build`, embedded and written), `store` (a build read back as an `index.search.SearchIndex`) and
`layout` (the files of a build and the atomic swap); `dense` is the vector-search seam and `engine`
its FAISS implementation, the one module that imports faiss.
"""
