"""The readers' desk: summaries and the latest news, made from the index, for every channel.

`Desk.reply(intent, text, current, now)` turns a reader's request (bot.desk.intents) into a `Reply`: the
text every channel can send, the summary sentences with their paragraph numbers, the articles
listed, and the choices a channel with buttons shows (Telegram: "Hỏi về bài này", "which article?").
`hoibao ask --json` serialises it with the answer's fields plus `summary` and `articles`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import messages
from bot.desk.articles import ArticleAmbiguous, ArticleNotFound, resolve
from bot.desk.dates import Window, article_day, sort_key, window
from bot.desk.intents import LATEST, SUMMARY, Intent
from bot.desk.summary import SummarySentence, summarize
from index.manifest import ArticleMeta
from index.text import fold, split_sentences, tokens

ASK, SUMMARISE = "ask", "summary"  # what a choice button does with its article
CHOICES = 3  # articles offered when a request names none clearly
CLEAR_LEAD = 0.15  # fused-score lead by which the best matching article is taken without asking
SAPO_CHARS = 180


@dataclass(frozen=True)
class Choice:
    label: str
    action: str  # ASK (make it the chat's article) or SUMMARISE
    article: str


@dataclass(frozen=True)
class Listed:
    """One article of a "latest news" reply."""

    article: str
    meta: ArticleMeta
    day: str  # dd/mm/yyyy in the newsroom's zone ("" when undated)
    sapo: str  # its first sentence, one line


@dataclass(frozen=True)
class Reply:
    """What the desk answers; `text` is complete on its own (Zalo and the console show only it)."""

    question: str
    kind: str  # summary, latest, choose
    text: str
    article: str | None = None  # the article summarised (it becomes the chat's current one)
    summary: tuple[SummarySentence, ...] = ()
    articles: tuple[Listed, ...] = ()  # the latest news listed
    choices: tuple[Choice, ...] = ()
    paragraphs: tuple = ()  # the cited paragraphs of the summary, for the JSON citations

    def to_json(self) -> dict:
        """The answer JSON's fields (never renamed) plus `summary` and `articles`."""
        found = bool(self.summary or self.articles)
        return {
            "question": self.question, "found": found, "status": "answered" if found else "not_found",
            "confidence": 1.0 if found else 0.0, "answer": None, "reply": self.text, "kind": self.kind,
            "searched": self.question, "written": None, "fallback": None,
            "citations": [{"title": p.title, "source": p.source, "paragraph": p.number, "text": p.text,
                           "sentence": None, "score": 1.0, "author": p.author, "date": p.date, "url": p.url}
                          for p in self.paragraphs],
            "summary": [s.to_json() for s in self.summary],
            "articles": [{"source": a.meta.source, "title": a.meta.title, "date": a.meta.date, "day": a.day,
                          "url": a.meta.url, "sapo": a.sapo} for a in self.articles],
            "choices": [{"title": c.label, "action": c.action, "source": c.article} for c in self.choices
                        if self.kind == "choose"],
        }


class Desk:
    """Summaries and the latest news over one answer service (its catalog, paragraphs and search)."""

    def __init__(self, service, zone: str = "Asia/Ho_Chi_Minh", latest_count: int = 5) -> None:
        self.service, self.zone, self.latest_count = service, ZoneInfo(zone), latest_count

    def now(self) -> datetime:
        return datetime.now(self.zone)

    def reply(self, intent: Intent, text: str, current: str | None = None, now: datetime | None = None) -> Reply:
        now = now or self.now()
        if intent.kind == SUMMARY:
            return self.summary(text, intent.topic, current)
        if intent.kind == LATEST:
            return self.latest(text, intent.topic, window(text, now))
        raise ValueError(f"not a desk request: {intent.kind}")

    # --- summaries -----------------------------------------------------------------------------

    def summary(self, question: str, topic: str, current: str | None) -> Reply:
        article, choices = self.which(topic, current)
        if article is None:
            return Reply(question, "choose", messages.which_article(topic, [c.label for c in choices]),
                         choices=tuple(choices))
        return self.summary_of(question, article)

    def summary_of(self, question: str, article: str) -> Reply:
        meta = self.service.article(article)
        paragraphs = self.service.paragraphs(article)
        if meta is None or not paragraphs:
            return Reply(question, "choose", messages.which_article("", []))
        sentences = tuple(summarize(paragraphs))
        numbers = sorted({s.paragraph for s in sentences})
        cited = tuple(p for p in paragraphs if p.number in numbers)
        text = messages.summary(meta.title, meta.url, [(s.sentence, s.paragraph) for s in sentences])
        return Reply(question, SUMMARY, text, article=article, summary=sentences, paragraphs=cited)

    def which(self, topic: str, current: str | None) -> tuple[str | None, list[Choice]]:
        """The article a request means (named, or the chat's), else None and the choices to offer."""
        catalog = {aid: meta for aid, meta in self._catalog()}
        if not topic:
            if current in catalog:
                return current, []
            if len(catalog) == 1:
                return next(iter(catalog)), []
            newest = self._newest(list(catalog.items()))[:CHOICES]
            return None, [Choice(meta.title, SUMMARISE, aid) for aid, meta in newest]
        try:
            return resolve(topic, catalog), []
        except (ArticleNotFound, ArticleAmbiguous):
            pass
        found = [item for item in self.service.search_articles(topic, CHOICES) if item[2]]
        if len(found) == 1 or (found and found[0][1] - found[1][1] >= CLEAR_LEAD):
            return found[0][0], []
        return None, [Choice(catalog[aid].title, SUMMARISE, aid) for aid, _, _ in found if aid in catalog]

    # --- the latest news -----------------------------------------------------------------------

    def latest(self, question: str, topic: str, days: Window | None) -> Reply:
        items = self._catalog()
        if days is not None:
            items = [(aid, m) for aid, m in items if days.holds(article_day(m.date, self.zone))]
        if topic:
            items = [(aid, m) for aid, m in items if aid in self._about(topic)]
        newest = self._newest(items)[: self.latest_count]
        listed = tuple(Listed(aid, m, self._day_text(m), self.sapo(aid)) for aid, m in newest)
        lines = [(a.meta.title, a.day, a.sapo, a.meta.url) for a in listed]
        return Reply(question, LATEST, messages.latest(topic, days.words if days else "", lines), articles=listed,
                     choices=tuple(Choice(messages.ASK_ABOUT, ASK, a.article) for a in listed))

    def _about(self, topic: str) -> set[str]:
        """Articles on `topic`: the phrase in their title or text, or their link's section ("/giao-thong")."""
        phrase = " ".join(tokens(topic))
        section = "-".join(tokens(topic))
        about = set()
        for aid, _, lexical in self.service.search_articles(topic, 50):
            text = " ".join([self.service.article(aid).title] + [p.text for p in self.service.paragraphs(aid)])
            if lexical and phrase and f" {phrase} " in f" {' '.join(tokens(text))} ":
                about.add(aid)
        return about | {aid for aid, m in self._catalog() if section and f"/{section}" in fold(m.url)}

    def sapo(self, article: str) -> str:
        """The article's first sentence, cut to one line."""
        paragraphs = self.service.paragraphs(article)
        first = split_sentences(paragraphs[0].text)[0] if paragraphs else ""
        return first if len(first) <= SAPO_CHARS else first[: SAPO_CHARS - 1].rsplit(" ", 1)[0] + "…"

    def _newest(self, items: list[tuple[str, ArticleMeta]]) -> list[tuple[str, ArticleMeta]]:
        return sorted(items, key=lambda item: sort_key(item[1].date, self.zone), reverse=True)

    def _day_text(self, meta: ArticleMeta) -> str:
        day = article_day(meta.date, self.zone)
        return day.strftime("%d/%m/%Y") if day else ""

    def _catalog(self) -> list[tuple[str, ArticleMeta]]:
        return list(self.service.catalog_items())
