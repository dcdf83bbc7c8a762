"""The answering service a channel holds: one embedder, the current index, hot swaps.

Built once at start-up. `/reindex` rebuilds in a worker thread while questions
keep being answered from the old index; the new one replaces it in one
assignment, so a question sees either the old or the new index, never a mix.
`reload` is the same swap without the build: a replica following the builds the
`index` service makes (bot/channels/background/index_follow.py).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.core.answer import Answer, Answerer, Ranking
from bot.core.levels import Levels
from bot.core.levels import key as levels_key
from bot.core.levels import measure as measure_levels
from bot.core.policy import AnswerPolicy
from bot.settings import Settings
from index.backend import Location
from index.build import BuildReport
from index.corpus import Paragraph
from index.embed import Embedder, make_embedder
from index.errors import HoibaoError
from index.files import write_atomically
from index.manifest import ArticleMeta
from index.search import Searcher

log = logging.getLogger(__name__)


def embedder_from_settings(settings: Settings) -> Embedder:
    return make_embedder(
        settings.embedding_backend,
        settings.embedding_model,
        settings.embedding_allow_download,
        settings.embedding_batch_size,
    )


_EXAMPLES_CACHED = 5_000  # articles whose deep-link questions are kept
LEVELS_FILE = "levels.json"  # in the index directory: the dense levels of its latest builds (bot.core.levels)
_LEVELS_KEPT = 4


def kept_levels(index_dir: Path, build: str | None, searcher: Searcher) -> Levels | None:
    """The dense levels of this build, read from LEVELS_FILE or measured and written there.

    Measuring embeds about twenty questions (0.1–0.2 s): once per build and embedder, not once per
    `hoibao ask`. A directory that cannot be written (a read-only replica) only costs that time again.
    """
    found = levels_key(searcher)
    if build is None or found is None:
        return None  # the Answerer measures (or reads raw cosines) itself
    name = f"{build}:{found}"
    path = Path(index_dir) / LEVELS_FILE
    try:
        kept = json.loads(path.read_text("utf-8"))
        unrelated, related = kept[name]
        return Levels(float(unrelated), float(related))
    except (OSError, ValueError, KeyError, TypeError):
        kept = {}
    levels = measure_levels(searcher)
    kept = {k: v for k, v in kept.items() if isinstance(v, list)} if isinstance(kept, dict) else {}
    kept = dict(list(kept.items())[-(_LEVELS_KEPT - 1):]) | {name: [levels.unrelated, levels.related]}
    try:
        write_atomically(path, json.dumps(kept))
    except OSError as exc:
        log.debug("dense levels not kept in %s: %s", path, exc)
    return levels


class ReindexBusy(HoibaoError):
    def __init__(self) -> None:
        super().__init__("A rebuild is already running; wait for it to finish.")


@dataclass(frozen=True)
class ArticlesIndexed:
    """What one writer made answerable (or took away), told once the new index is being served.

    `articles` are article ids (file names in the seeds folder, as `Paragraph.source` and the
    manifest name them) that are new or changed; `urls` their web addresses where known (refresh,
    hook, WebSub); `removed` the ids taken out. `via` says which writer: refresh, hook, websub, watch.
    """

    articles: tuple[str, ...]
    urls: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    via: str = ""


IndexedListener = Callable[[ArticlesIndexed], None]


class AnswerService:
    """The one answer pipeline every channel, `hoibao ask`, `hoibao eval` and the calibration use.

    Channels ask it (`answer`, `catalog`, `examples`, `reindex`); they never reach
    through it for the index or the searcher.
    """

    def __init__(self, settings: Settings, embedder: Embedder | None = None, policy: AnswerPolicy | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or embedder_from_settings(settings)
        self.policy = policy or AnswerPolicy.from_settings(settings)
        self._rebuild_lock = threading.Lock()
        self._indexed_listeners: list[IndexedListener] = []
        self.serving_build: str | None = None  # the build it answers from (Location.current_build)
        self._answerer = self._load()

    def _load(self) -> Answerer:
        location = Location.from_settings(self.settings)
        # Read before loading: a flip in between makes the follower load once more, never miss a build.
        build = location.current_build()
        index = location.load(expected_embedder=self.embedder.id)
        searcher = Searcher(index, self.embedder, candidates=self.settings.candidates)
        answerer = Answerer(searcher, self.policy, kept_levels(self.settings.index_dir, build, searcher))
        self.serving_build = build
        return answerer

    def answer(self, question: str, history: Sequence[str] = (), article: str | None = None,
               articles: frozenset[str] | None = None) -> Answer:
        """The answer over the whole index, or over one article's paragraphs only (`article`: its id), or
        over a few articles (`articles`: those of the days a question names)."""
        return self.answerer_for(frozenset({article}) if article else articles).answer(question, history)

    def answerer_for(self, articles: frozenset[str] | None) -> Answerer:
        """The answerer over the whole index, or over some articles (a search filter; see `Searcher.scoped`)."""
        answerer = self._answerer
        if articles is None:
            return answerer
        return Answerer(answerer.searcher.scoped(articles), self.policy, answerer.levels)

    def search_articles(self, text: str, limit: int = 3) -> list[tuple[str, float, bool]]:
        """The articles whose paragraphs best match `text`: (id, best fused score, any BM25 match), best first."""
        found: dict[str, tuple[str, float, bool]] = {}
        for hit in self._answerer.searcher.search(text, top_k=max(20, limit * 5)):
            aid = hit.paragraph.article_id
            _, score, matched = found.get(aid, (aid, hit.score, False))
            found[aid] = (aid, max(score, hit.score), matched or hit.lexical > 0)
        return sorted(found.values(), key=lambda item: -item[1])[:limit]

    def article_examples(self, article: str, limit: int = 3) -> list[str]:
        """Questions about one article that the bot answers with a phrase from it (a deep link's greeting)."""
        cache = self.__dict__.setdefault("_article_examples", {})
        key = (self.serving_build, article)
        if key not in cache:
            from bot.core.suggest import suggested

            answerer = self.answerer_for(frozenset({article}))
            if len(cache) >= _EXAMPLES_CACHED:  # bounded: the oldest article's questions go first
                cache.pop(next(iter(cache)))
            cache[key] = suggested(self.paragraphs(article), answerer.answer, limit)
        return cache[key][:limit]

    def topic_scores(self, topic: str, articles: frozenset[str]) -> dict[str, tuple[float, Paragraph]]:
        """Each article's best paragraph for `topic` by dense cosine (exact, over those articles only)."""
        searcher = self._answerer.searcher
        every = sum(m.paragraphs for aid, m in searcher.index.manifest.articles.items() if aid in articles)
        ranked = searcher.scoped(articles, candidates=max(every, 1)).ranked(topic, searcher.query_vector(topic))
        best: dict[str, tuple[float, Paragraph]] = {}
        for row, score in ranked.dense:  # best first
            paragraph = ranked.paragraphs[row]
            best.setdefault(paragraph.article_id, (score, paragraph))
        return best

    @property
    def embedder_id(self) -> str:
        return self.embedder.id

    def catalog_items(self) -> list[tuple[str, ArticleMeta]]:
        """(article id, its metadata) of every indexed article, in index order."""
        return list(self._answerer.searcher.index.manifest.articles.items())

    def article(self, article_id: str) -> ArticleMeta | None:
        return self._answerer.searcher.index.manifest.articles.get(article_id)

    def find_article(self, given: str) -> str:
        """The id of the article `given` names (file name, link or title); a HoibaoError saying why not."""
        from bot.desk.articles import resolve

        return resolve(given, self._answerer.searcher.index.manifest.articles)

    def paragraphs(self, article: str) -> list[Paragraph]:
        """One article's paragraphs in reading order (summaries, deep-link greetings)."""
        return self._answerer.searcher.index.paragraphs_of(article)

    def rank(self, question: str, history: Sequence[str] = ()) -> Ranking:
        """What `answer` decides on (hits, best sentence, signals), for evaluation and calibration."""
        return self._answerer.rank(question, history)

    def decide(self, ranking: Ranking) -> Answer:
        """The answer for a ranking from `rank` (with this service's policy)."""
        return self._answerer.compose(ranking)

    def retrieval(self, question: str, depth: int = 10) -> dict[str, list[Paragraph]]:
        """Top paragraphs by hybrid, BM25-only and dense-only retrieval, for `hoibao eval`."""
        return self._answerer.searcher.by_method(question, depth)

    def catalog(self) -> tuple[ArticleMeta, ...]:
        """The indexed articles (title, source, date, link), in index order."""
        return tuple(self._answerer.searcher.index.manifest.articles.values())

    def titles(self) -> tuple[str, ...]:
        return self._answerer.titles

    def examples(self, limit: int = 3) -> list[str]:
        """Example questions for a greeting, made from the index."""
        return self._answerer.example_questions(limit)

    @property
    def rebuilding(self) -> bool:
        return self._rebuild_lock.locked()

    def reindex(self, full: bool = False, wait: bool = False) -> BuildReport:
        """Rebuild from the seeds folder and swap the new index in; raises ReindexBusy if one runs
        (`wait`: waits for it instead, as the publish hook and the seeds watcher do)."""
        if not self._rebuild_lock.acquire(blocking=wait):
            raise ReindexBusy()
        try:
            report = build_from_settings(self.settings, self.embedder, full=full, progress=False)
            self._answerer = self._load()
            log.info("reindexed: %s articles, %s chunks", report.articles, report.chunks)
            return report
        finally:
            self._rebuild_lock.release()


    # ---- the one callback point for "new articles are answerable" ------------------------------
    def on_articles_indexed(self, listener: IndexedListener) -> None:
        """Call `listener(ArticlesIndexed)` each time the background refresh, the publish hook, WebSub or
        the seeds watcher has swapped in an index with new or changed articles (topics to follow).

        It runs in that writer's worker thread, after the swap, so `answer` already sees the articles;
        a listener that needs the event loop hands over with `loop.call_soon_threadsafe`. A listener
        that raises is logged and the others still run.
        """
        self._indexed_listeners.append(listener)

    def articles_indexed(self, event: ArticlesIndexed) -> None:
        """Tell every listener (writers call this after their swap); nothing when the event is empty."""
        if not (event.articles or event.removed):
            return
        log.info("indexed via %s: %d new or changed, %d removed", event.via, len(event.articles), len(event.removed))
        for listener in list(self._indexed_listeners):
            try:
                listener(event)
            except Exception as exc:  # noqa: BLE001 — one listener's bug must not stop the others or the writer
                log.error("a listener of indexed articles failed: %s: %s", type(exc).__name__, exc, exc_info=exc)

    def current_build(self) -> str | None:
        """The build the index location names now (cheap; compare with `serving_build`)."""
        return Location.from_settings(self.settings).current_build()

    def reload(self) -> None:
        """Load the current build, never building, and swap it in; raises ReindexBusy if a /reindex runs.

        A failure (a damaged or foreign build) raises and leaves the old index answering.
        """
        if not self._rebuild_lock.acquire(blocking=False):
            raise ReindexBusy()
        try:
            self._answerer = self._load()
        finally:
            self._rebuild_lock.release()


def build_from_settings(settings: Settings, embedder: Embedder, full: bool = False, progress: bool = True,
                        wait: bool = True) -> BuildReport:
    """A build into the configured backend with everything the settings say about building.

    Another writer on the same index (index.lock) makes this one wait, with one log line saying so;
    `wait=False` raises IndexBusy instead.
    """
    location = Location.from_settings(settings)
    return location.build(
        settings.seeds_dir, embedder,
        max_tokens=settings.chunk_max_tokens, index_type=settings.index_type,
        batch_size=settings.embedding_batch_size, full=full, progress=progress,
        max_chars=settings.max_article_chars, wait=wait,
        on_wait=lambda holder: log.warning("waiting for the other writer of %s (%s) to finish", location.label, holder),
    )


def ensure_index(settings: Settings, embedder: Embedder) -> BuildReport | None:
    """Build the index when there is none (first start); None when one exists."""
    try:
        Location.from_settings(settings).read_manifest()
        return None
    except HoibaoError:
        return build_from_settings(settings, embedder)
