"""From ranked paragraphs to an answer: the decisive sentence, a short span, found or not.

Pure logic over the hits `index.search` returns; no I/O. `Answerer.rank` is the
one place that turns a question into scored candidates, and `Answerer.answer`
the one place that decides; `hoibao eval` and the calibration script go through
both, so what is measured is what ships. Every channel renders the `Answer`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot import messages
from bot.core.answer_line import PHRASE, AnswerLine, answer_line
from bot.core.coverage import coverage
from bot.core.extract import OTHER, PERSON, person_spans
from bot.core.facts import AUTHOR, asked_fact, described_article, fact_value, names_an_article
from bot.core.followup import History, current_article, questions_of, resolve_followup
from bot.core.levels import Levels
from bot.core.levels import measure as measure_levels
from bot.core.outcome import ANSWERED, NOT_FOUND, UNSURE, status_for
from bot.core.policy import AnswerPolicy
from bot.core.question import analyse, leans_on_context, looks_english
from bot.core.ranking import Candidate, Ranking, choose_sentence, is_found, missing_share, names_present, term_weights
from bot.core.roles import asked_title, rewrites, sole_holder
from bot.core.signals import vector
from bot.core.spans.lexicon import GROUP_WORDS, PLACE_UNITS, TITLE_HEADS
from index.corpus import Paragraph
from index.search import Hit, Searcher
from index.text import fold, nfc, sentence_spans


@dataclass(frozen=True)
class Citation:
    paragraph: Paragraph
    score: float
    sentence: str = ""  # the decisive sentence inside this paragraph, if any
    sentence_start: int = -1


@dataclass(frozen=True)
class Answer:
    question: str
    found: bool
    answer: str | None
    sentence: str | None
    citations: tuple[Citation, ...]
    kind: str = OTHER
    coverage: float = 0.0
    searched: str = ""  # the question as searched, after merging a follow-up
    titles: tuple[str, ...] = ()  # what the bot can answer about (for "not found")
    language: str = "vi"
    status: str = ""  # answered / unsure / not_found (bot.core.outcome); derived from `found` when not given
    confidence: float = 0.0  # the answerability model's probability that the cited paragraph answers
    note: str = ""  # a specific "not found" ("Bài … không ghi ngày đăng."), shown instead of the generic one
    written: str | None = None  # a language model's answer, checked against the citations (bot.llm)
    fallback: str | None = None  # why no written answer was sent (off, timeout, unsupported_fact…)
    # The answer line (`answer`) is a short phrase only when the phrase model is sure of it
    # (`span_confidence` ≥ its cut); otherwise it is the decisive sentence, and `highlight`
    # marks the phrase of the expected type inside it, if there is one.
    span_confidence: float = 0.0
    answer_form: str = ""  # "phrase" or "sentence" when answered, "" otherwise
    highlight: tuple[int, int] | None = None  # (start, end) of the phrase inside a sentence-form answer line

    def __post_init__(self) -> None:
        if not self.status:
            object.__setattr__(self, "status", ANSWERED if self.found else NOT_FOUND)

    @classmethod
    def refused(cls, question: str, titles: tuple[str, ...] = ()) -> "Answer":
        """No answer, no citation: for input that never reached the search (empty, too long…)."""
        return cls(question=question, found=False, answer=None, sentence=None, citations=(), searched=question,
                   titles=titles)

    def to_json(self, reply: str) -> dict:
        """The one JSON shape of an answer (`hoibao ask --json`); fields are added, never renamed."""
        return {
            "question": self.question,
            "found": self.found,
            "status": self.status,
            "confidence": round(self.confidence, 4),
            "answer": self.answer if self.found else None,
            "reply": reply,
            "kind": self.kind,
            "searched": self.searched,
            "written": self.written,
            "fallback": self.fallback,
            "span_confidence": round(self.span_confidence, 4),
            "answer_form": self.answer_form if self.found else None,
            "citations": [
                {
                    "title": c.paragraph.title,
                    "source": c.paragraph.source,
                    "paragraph": c.paragraph.number,
                    "text": c.paragraph.text,
                    "sentence": c.sentence,
                    "score": round(c.score, 4),
                    "author": c.paragraph.author,
                    "date": c.paragraph.date,
                    "url": c.paragraph.url,
                }
                for c in self.citations
            ],
        }


class Answerer:
    """Answers questions over one index; `answer` is safe to call from many threads."""

    def __init__(self, searcher: Searcher, policy: AnswerPolicy | None = None, levels: Levels | None = None) -> None:
        self.searcher = searcher
        self.policy = policy or AnswerPolicy()
        self.titles = searcher.index.manifest.titles()
        # Dense scores on the index's own scale (bot.core.levels); a scoped answerer reads them on its whole index's.
        self.levels = levels or measure_levels(searcher)
        self._examples: list[str] | None = None

    def rank(self, question: str, history: History = ()) -> Ranking:
        """The analysed question, its hits and its best sentence: what `answer` decides on."""
        question = nfc(question)  # the one form every rule, name and term below is compared in
        analysed = analyse(question, resolve_followup(question, history))
        pool = max(self.policy.top_k, self.policy.sentence_pool)
        subject = current_article(history)
        if subject and leans_on_context(analysed):
            # "Bệnh này lây qua đường nào?": the chat's article first, unless another is far better.
            hits = _favour(self.searcher.search(analysed.searched, top_k=_CONTEXT_POOL), subject)[:pool]
        else:
            hits = self.searcher.search(analysed.searched, top_k=pool)
        weights = term_weights(analysed.terms, self.searcher.index.lexical.idf)
        best = choose_sentence(analysed, hits, weights, self.policy)
        known = frozenset(n for n in analysed.names if n in self.searcher.index.lexical.vocab)
        return Ranking(analysed, tuple(hits), best, weights, known, self.levels)

    def answer(self, question: str, history: History = ()) -> Answer:
        question = nfc(question)
        ranking = self.rank(question, history)
        fact = asked_fact(ranking.question.searched)
        if fact:
            return self.fact_answer(fact, ranking, history)
        answer = self.compose(ranking)
        if answer.status != ANSWERED:
            # "Người đứng đầu phường X là ai?", "bí thư phường X": asked again in the article's words.
            for text in rewrites(ranking.question.searched):
                other = self.compose(self.rank(text, history))
                if other.confidence > answer.confidence:
                    answer = replace(other, question=question)
        return answer

    def fact_answer(self, fact: str, ranking: Ranking, history: History) -> Answer:
        """Author, date, title or link of the article the question names or the chat is about."""
        articles = self.searcher.index.manifest.articles
        named = [aid for aid, meta in articles.items() if names_an_article(ranking.question.text, meta)]
        sure = True
        if (about := described_article(ranking.question.searched)) and not named:
            # "Ai viết bài về lễ hội ẩm thực?": that article first, and none is not the one we have.
            article = self._article_about(about)
            if article is None:
                return Answer(question=ranking.question.text, found=False, answer=None, sentence=None, citations=(),
                              kind=f"article_{fact}", searched=ranking.question.searched, titles=self.titles,
                              status=NOT_FOUND, note=messages.no_article_about(about, self.titles))
            named = [article]
        if len(named) == 1:
            article = named[0]
        elif len(articles) == 1:
            article = next(iter(articles))
        elif subject := current_article(history):
            article = subject  # the article the chat was last talking about
        elif history and (previous := self.rank(questions_of(history)[-1])).best is not None:
            article = previous.best.hit.paragraph.article_id
        elif ranking.hits:
            article, sure = ranking.hits[0].paragraph.article_id, False
        else:
            return self.compose(ranking)
        value = fact_value(fact, articles[article])
        paragraphs = self._paragraphs_of(article)
        # The byline closes the article; the other facts head it.
        cited = paragraphs[-1] if fact == AUTHOR else paragraphs[0]
        status = (ANSWERED if sure else UNSURE) if value else NOT_FOUND
        return Answer(
            question=ranking.question.text,
            found=status == ANSWERED,
            answer=value if status == ANSWERED else None,
            sentence=None,
            citations=(Citation(cited, 1.0),) if status != NOT_FOUND else (),
            kind=f"article_{fact}",
            searched=ranking.question.searched,
            titles=self.titles,
            language="en" if looks_english(ranking.question.text) else "vi",
            status=status,
            confidence=1.0 if status == ANSWERED else 0.5 if status == UNSURE else 0.0,
            note="" if value else messages.fact_missing(fact, articles[article].title),
            # The article's own metadata, not a phrase picked from text: stated as it is.
            span_confidence=1.0 if status == ANSWERED else 0.0,
            answer_form=PHRASE if status == ANSWERED else "",
        )

    def _article_about(self, about: str) -> str | None:
        """The article a description ("lễ hội ẩm thực đường phố") is about: its words in the title or a top paragraph."""
        described = analyse(about)
        weights = term_weights(described.terms, self.searcher.index.lexical.idf)
        for hit in self.searcher.search(about, top_k=3):
            text = f"{hit.paragraph.title}. {hit.paragraph.text}"
            if coverage(described.terms, weights, text, described.accented) >= _ABOUT_COVERAGE:
                return hit.paragraph.article_id
        return None

    def _paragraphs_of(self, article_id: str) -> list[Paragraph]:
        return self.searcher.index.paragraphs_of(article_id)

    def compose(self, ranking: Ranking) -> Answer:
        """Decide answered / unsure / not found, and build the answer the channels render."""
        best, q = ranking.best, ranking.question
        confidence = self.policy.model.probability(vector(ranking)) if best else 0.0
        status = self.decide(ranking, confidence)
        if status == UNSURE and _one_holder(ranking):
            status = ANSWERED
        shown = best is not None and status != NOT_FOUND
        line = AnswerLine(None, "", 0.0, None)
        if best is not None and status == ANSWERED:
            line = answer_line(best.sentence, q, confidence, best.coverage, missing_share(ranking), self.policy.phrase_model)
        return Answer(
            question=q.text,
            found=status == ANSWERED,
            answer=line.text,
            sentence=best.sentence if shown else None,
            citations=tuple(_citations(ranking.hits, best)[: self.policy.top_k]) if shown else (),
            kind=q.kind,
            coverage=best.coverage if best else 0.0,
            searched=q.searched,
            titles=self.titles,
            language="en" if looks_english(q.text) else "vi",
            status=status,
            confidence=confidence,
            span_confidence=line.span_confidence,
            answer_form=line.form,
            highlight=line.highlight,
        )

    def decide(self, ranking: Ranking, confidence: float) -> str:
        if ranking.best is None:
            return NOT_FOUND
        if ranking.question.english:
            # No English training data: the hand-set rule answers; a known name in the
            # passage is enough to show it, unsure. (`confidence` stays the model's figure.)
            if is_found(ranking, self.policy):
                return ANSWERED
            return UNSURE if ranking.known and confidence >= self.policy.model.unsure_from else NOT_FOUND
        return status_for(confidence, self.policy.model, self.policy.found_threshold)

    def example_questions(self, limit: int = 3) -> list[str]:
        """Questions made from the index's own sentences that the bot answers right (for /start).

        A candidate "<what precedes a name> là ai?" is offered only if answering it
        gives back that very name from that very paragraph; computed once per index.
        """
        if self._examples is None:
            examples: list[str] = []
            tried = 0
            for paragraph in self.searcher.index.iter_paragraphs():
                if len(examples) >= _EXAMPLES_KEPT or tried >= _EXAMPLES_TRIED:
                    break
                for question, name in _person_questions(paragraph.text):
                    tried += 1
                    answer = self.answer(question)
                    if answer.found and answer.answer == name and answer.citations[0].paragraph == paragraph:
                        examples.append(question)
                        break
            self._examples = list(dict.fromkeys(examples))
        return self._examples[:limit]


_ABOUT_COVERAGE = 0.75  # share of a description's weighted words an article must hold to be the one described
_EXAMPLES_KEPT = 5
_EXAMPLES_TRIED = 40  # candidates answered at most, so a greeting never waits long


def _person_questions(text: str):
    """("<title before a name> là ai?", name) for each sentence naming a person after a short title."""
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        for span in person_spans(sentence, ""):
            prefix = sentence[: span.start].strip(" ,:")
            if names_one_role(prefix):
                yield f"{prefix} là ai?", span.text
                break


def names_one_role(prefix: str) -> bool:
    """Whether "<prefix> là ai?" reads as a complete question about one person's role.

    The words before a name are a subject only when they are one title and its place ("Bí thư Quận ủy
    Sơn Trà"): not a clause ("Trong năm 2022, phường"), not a group ("Các cán bộ, công chức phường"),
    not a title left without its place ("Chủ tịch phường").
    """
    words = nfc(prefix).lower().split()
    if not 2 <= len(words) <= 8 or not prefix[:1].isupper() or any(c in prefix for c in ",;:()\"“”"):
        return False
    if words[0] in GROUP_WORDS or words[-1] in PLACE_UNITS or " ".join(words[-2:]) in PLACE_UNITS:
        return False
    return any(f"{fold(prefix)} ".startswith(head + " ") for head in TITLE_HEADS)


_CONTEXT_POOL = 20  # hits among which the conversation's article is looked for
_CONTEXT_BOOST = 0.5  # added to its paragraphs' fused score (0..1); 0.35 → 0.5 raised follow-ups citing the chat's article 0.874 → 0.916 on the written conversations, 0.8 no further


def _favour(hits: Sequence[Hit], article: str) -> list[Hit]:
    """Hits with the conversation's article's paragraphs lifted by `_CONTEXT_BOOST`, best first."""
    lifted = [replace(h, score=h.score + _CONTEXT_BOOST) if h.paragraph.article_id == article else h for h in hits]
    return sorted(lifted, key=lambda h: -h.score)


_HOLDER_COVERAGE = 0.8  # of the question's weighted words, in the sentence naming the one holder


def _one_holder(ranking: Ranking) -> bool:
    """"Bí thư phường X là ai?" where the cited paragraph names exactly one holder of that title, in that place."""
    best, q = ranking.best, ranking.question
    if best is None or q.kind != PERSON or best.coverage < _HOLDER_COVERAGE or not names_present(q, best.hit.paragraph):
        return False
    title = asked_title(q.searched)
    holder = sole_holder(title, best.hit.paragraph.text) if title else None
    return holder is not None and holder in best.sentence


def _citations(hits: Sequence[Hit], best: Candidate | None) -> list[Citation]:
    """The decisive paragraph first, then the rest in retrieval order."""
    ordered = sorted(hits, key=lambda h: 0 if best and h.row == best.hit.row else 1)
    return [
        Citation(h.paragraph, h.score, best.sentence, best.start) if best and h.row == best.hit.row else Citation(h.paragraph, h.score)
        for h in ordered
    ]
