"""Questions about one article: the search filter on both backends, `hoibao ask --article`, chat scopes."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from bot.chat import Conversations
from bot.core.outcome import ANSWERED
from bot.desk.articles import ArticleAmbiguous, ArticleNotFound, resolve
from bot.service import AnswerService
from index.faiss import store
from index.search import Searcher
from tests.test_cli import run

LENGTH = "Cây cầu dài bao nhiêu mét?"
OVERPASS, BRIDGE = "cau-vuot-nam-dinh-phu.txt", "cau-song-lam.txt"


@pytest.fixture(scope="module")
def newsroom_searcher(newsroom_index_dir, embedder) -> Searcher:
    return Searcher(store.load(newsroom_index_dir), embedder)


def articles_of(hits) -> set[str]:
    return {h.paragraph.article_id for h in hits}


def test_a_scoped_search_ranks_only_that_articles_paragraphs(newsroom_searcher):
    for article in (OVERPASS, BRIDGE):
        hits = newsroom_searcher.scoped({article}).search(LENGTH, top_k=10)
        assert articles_of(hits) == {article}
        assert len(hits) == len(newsroom_searcher.index.paragraphs_of(article))  # every paragraph, none lost
    scoped = newsroom_searcher.scoped({OVERPASS})
    assert scoped.index.manifest.titles() == ("Cầu vượt Nam Đình Phú chậm tiến độ vì vướng mặt bằng",)
    assert {p.article_id for p in scoped.index.iter_paragraphs()} == {OVERPASS}
    assert scoped.index.paragraphs_of(BRIDGE) == []


def test_the_filter_keeps_the_open_searchs_scores(newsroom_searcher):
    """Scoped dense scores are the same cosines the open search computes (exact, not a cut of the top)."""
    vector = newsroom_searcher.query_vector(LENGTH)
    open_dense = dict(newsroom_searcher.ranked(LENGTH, vector).dense)
    scoped = newsroom_searcher.scoped({BRIDGE}).ranked(LENGTH, vector)
    for row, score in scoped.dense:
        if row in open_dense:
            assert score == pytest.approx(open_dense[row], abs=1e-5)


@pytest.mark.parametrize("engine", ["qdrant-client local mode", "qdrant-edge"])
def test_qdrant_filters_the_same_article(tmp_path, newsroom_seeds, newsroom_searcher, embedder, engine):
    pytest.importorskip("qdrant_client", reason="the Qdrant backend needs qdrant-client")
    from index.backend import Location
    from index.qdrant import edge
    from index.qdrant import engines as qengine
    from index.qdrant.target import Target

    if engine == "qdrant-edge" and not edge.available():
        pytest.skip("qdrant-edge-py is not installed (pip install 'hoibao[qdrant-test]')")
    target = Target(path=str(tmp_path / "qdrant"), collection="hoibao")
    if engine == "qdrant-edge":
        qengine.register(target, edge.EdgeEngine(tmp_path / "qdrant", target))
    location = Location(tmp_path / "index", "qdrant", target)
    try:
        location.build(newsroom_seeds, embedder, progress=False)
        qdrant = Searcher(location.load(expected_embedder=embedder.id), embedder)
        for article in (OVERPASS, BRIDGE):
            got = qdrant.scoped({article}).search(LENGTH, top_k=10)
            want = newsroom_searcher.scoped({article}).search(LENGTH, top_k=10)
            assert articles_of(got) == {article}
            assert [h.paragraph.number for h in got] == [h.paragraph.number for h in want]
        # No article (a topic no article matches yet) or one the index does not hold: nothing, on both.
        for nothing in (set(), {"no-such-article.txt"}):
            assert qdrant.scoped(nothing).search(LENGTH, top_k=10) == []
            assert newsroom_searcher.scoped(nothing).search(LENGTH, top_k=10) == []
    finally:
        qengine.forget(target)


def test_resolve_by_file_name_link_title_or_a_part_of_it(newsroom_searcher):
    articles = newsroom_searcher.index.manifest.articles
    assert resolve(OVERPASS, articles) == OVERPASS
    assert resolve("http://www.baotin.example.vn/giao-thong/cau-song-lam-thong-xe/", articles) == BRIDGE
    assert resolve("cầu sông lam thông xe sớm hai tháng so với kế hoạch", articles) == BRIDGE
    assert resolve("gia xang giam", articles) == "gia-xang-giam.txt"  # unaccented part of the title
    copy = replace(articles[OVERPASS], source="x.txt", url="")
    with pytest.raises(ArticleAmbiguous, match="2 articles match 'cầu vượt Nam Đình Phú'"):
        resolve("cầu vượt Nam Đình Phú", {**articles, "x.txt": copy})
    with pytest.raises(ArticleNotFound, match="No indexed article is named 'bóng đá'"):
        resolve("bóng đá", articles)


def test_a_scoped_chat_leaves_its_article_when_asked_about_another(newsroom_settings):
    service = AnswerService(newsroom_settings)
    conversations = Conversations(service, newsroom_settings)
    conversations.scopes.set("c", OVERPASS)
    inside = conversations.ask("c", "u", "Dự án dài bao nhiêu mét?")
    assert inside.citations[0].paragraph.article_id == OVERPASS
    assert conversations.scopes.get("c").article == OVERPASS
    away = conversations.ask("c", "u", "Tỉnh Tân An ghi nhận bao nhiêu ca sốt xuất huyết?")
    assert away.status == ANSWERED and away.citations[0].paragraph.article_id == "sot-xuat-huyet-tan-an.txt"
    assert conversations.scopes.get("c") is None
    conversations.scopes.set("strict", OVERPASS, strict=True)
    kept = conversations.ask("strict", "u", "Tỉnh Tân An ghi nhận bao nhiêu ca sốt xuất huyết?")
    assert all(c.paragraph.article_id == OVERPASS for c in kept.citations)
    assert conversations.scopes.get("strict").article == OVERPASS


def test_ask_article_scopes_every_question_and_the_conversation(tmp_path, newsroom_index_dir, newsroom_seeds):
    """The same question, two bridges: the whole index is unsure between them, each article answers."""
    for given, source, amount in (("https://baotin.example.vn/giao-thong/cau-song-lam-thong-xe", BRIDGE, "1.150 tỷ đồng"),
                                  ("Cầu vượt Nam Đình Phú chậm tiến độ", OVERPASS, "720 tỷ đồng")):
        result = run(["ask", "--json", "--article", given, "Tổng vốn đầu tư bao nhiêu?"],
                     cwd=tmp_path, index_dir=newsroom_index_dir, seeds_dir=newsroom_seeds)
        assert result.returncode == 0, result.stderr
        reply = json.loads(result.stdout)
        assert {c["source"] for c in reply["citations"]} == {source}
        assert reply["citations"][0]["paragraph"] == 2 and amount in reply["citations"][0]["text"]
    stdin = "Ai viết bài này?\nNhà thầu là ai?\n"
    result = run(["ask", "--json", "--conversation", "--article", OVERPASS], cwd=tmp_path,
                 index_dir=newsroom_index_dir, seeds_dir=newsroom_seeds, stdin=stdin)
    assert result.returncode == 0, result.stderr
    author, builder = (json.loads(line) for line in result.stdout.splitlines())
    assert author["status"] == ANSWERED and author["answer"] == "Thanh Tâm"
    assert {c["source"] for c in builder["citations"]} == {OVERPASS}


def test_ask_article_that_is_not_there_is_one_line(tmp_path, newsroom_index_dir, newsroom_seeds):
    result = run(["ask", "--article", "bai-khong-co.txt", "Ai?"], cwd=tmp_path, index_dir=newsroom_index_dir,
                 seeds_dir=newsroom_seeds)
    assert result.returncode == 2
    assert result.stderr.startswith("hoibao: No indexed article is named 'bai-khong-co.txt'")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_links_prints_one_stable_deep_link_per_article(tmp_path, newsroom_index_dir, newsroom_seeds):
    result = run(["links", "--json", "--bot", "@hoibao_bot"], cwd=tmp_path, index_dir=newsroom_index_dir,
                 seeds_dir=newsroom_seeds)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 5 and len({r["key"] for r in rows}) == 5
    bridge = next(r for r in rows if r["source"] == BRIDGE)
    assert re.fullmatch(r"[a-z2-7]{10}", bridge["key"])
    assert bridge["link"] == f"https://t.me/hoibao_bot?start={bridge['key']}"
    csv_out = run(["links"], cwd=tmp_path, index_dir=newsroom_index_dir, seeds_dir=newsroom_seeds,
                  settings={"HOIBAO_BOT_USERNAME": "hoibao_bot"})
    assert csv_out.stdout.splitlines()[0] == "key,link,title,source,url"
    assert f"{bridge['key']},{bridge['link']}," in csv_out.stdout  # the same key: a hash of the article's link
    missing = run(["links"], cwd=tmp_path, index_dir=newsroom_index_dir, seeds_dir=newsroom_seeds)
    assert missing.returncode == 2 and missing.stderr.startswith("hoibao: Name the Telegram bot")
