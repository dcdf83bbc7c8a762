"""Errors the user sees; each message says what to do next."""


class HoibaoError(Exception):
    """An expected failure, shown to the user without a traceback."""


class IndexNotBuilt(HoibaoError):
    def __init__(self, index_dir: object) -> None:
        super().__init__(f"No index in {index_dir}. Build it with: hoibao index build --index-dir {index_dir}")


class IndexCorrupt(HoibaoError):
    def __init__(self, path: object, detail: str, index_dir: object = None) -> None:
        # The rebuild goes into the index directory, not into the build directory holding `path`.
        super().__init__(
            f"The index file {path} cannot be read ({detail}). "
            f"Rebuild it with: hoibao index build --full --index-dir {index_dir or getattr(path, 'parent', path)}"
        )


class EmbedderMismatch(HoibaoError):
    def __init__(self, built_with: str, configured: str, index_dir: object) -> None:
        super().__init__(
            f"The index in {index_dir} was built with embedder '{built_with}' but '{configured}' is configured. "
            f"Rebuild it (hoibao index build --index-dir {index_dir}) or set HOIBAO_EMBEDDING_BACKEND / "
            "HOIBAO_EMBEDDING_MODEL back to what it was built with."
        )


class ModelUnavailable(HoibaoError):
    """The configured embedding model cannot be loaded (not installed, not on disk, no hub)."""


class NoArticles(HoibaoError):
    def __init__(self, seeds_dir: object, skipped: list[tuple[str, str]]) -> None:
        detail = "; ".join(f"{name}: {why}" for name, why in skipped) or "no .txt or .md files"
        super().__init__(f"No readable articles in {seeds_dir} ({detail}). Add UTF-8 .txt or .md files there.")


class SeedsNotFound(HoibaoError):
    def __init__(self, seeds_dir: object, problem: str) -> None:
        super().__init__(
            f"The articles folder {seeds_dir} {problem}. Point HOIBAO_SEEDS_DIR (or --seeds) at a folder "
            "of UTF-8 .txt or .md articles."
        )


class DenseIndexUnfit(HoibaoError):
    """The dense index type asked for (HOIBAO_INDEX_TYPE) cannot hold this corpus; the message says why."""


class BuildInterrupted(KeyboardInterrupt):
    """Ctrl-C during a build. Still a KeyboardInterrupt (nothing that catches Exception swallows it),
    carrying what a rerun will find."""

    def __init__(self, kept: int, checkpoint: object, serving: object | None) -> None:
        self.kept = kept
        still = f"the previous index in {serving} is still serving" if serving else "there is no index yet"
        kept_text = (
            f"the {kept:,} vectors embedded so far are kept in {checkpoint}, and rerunning "
            "`hoibao index build` resumes from them"
            if kept else "nothing was embedded yet; rerun `hoibao index build`"
        )
        super().__init__(f"Build interrupted: {kept_text}; {still}.")
