"""builder.assemble: ranking, records, fallback, threads, agents, unique ids, per-agent views."""
from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from builder.assemble import (MAX_JOINED, Discussion, assemble, best_per_agent, build_threads,
                              collect_agents, conversations, find_records, lively_discussions,
                              messages_by_agent, messages_citing_taskforces,
                              messages_to_agent, rank, result_refs, results_by_agent,
                              results_by_filename, sort_traces, taskforces_by_agent,
                              traces_by_agent, unique_ids, unresolved_refs,
                              unique_result_ids)
from builder.config import Config, FallbackConfig, FallbackEntry, MetricConfig
from builder.markdown import mentioned_names
from builder.model import Agent, Message, Problem, Result, Taskforce, TokenUsage, Trace
from builder.pages.views import correspondents, top_pairs
from builder.readers import Inputs

T0 = datetime(2026, 6, 20, 12, 0, tzinfo=timezone.utc)
NO_FALLBACK = FallbackConfig()
FALLBACK = FallbackConfig(entries=(FallbackEntry(agent="organizers", score=1.5, method="ref"),
                                   FallbackEntry(agent="gpt2", score=3.0, description="tiny")))


def at(minutes: float | None) -> datetime | None:
    return None if minutes is None else T0 + timedelta(minutes=minutes)


def res(id: str, agent: str = "a", score: float | None = 1.0, minutes: float | None = 0, *,
        status: str = "agent-run", verification: str | None = None, path: str | None = None) -> Result:
    return Result(id=id, agent=agent, score=score, score_text="" if score is None else str(score),
                  method="m", description="d", timestamp=at(minutes), status=status,  # type: ignore[arg-type]
                  origin="results-md", source_path=f"results/{id}.md" if path is None else path,
                  verification=verification)  # type: ignore[arg-type]


def msg(id: str, agent: str = "a", refs: tuple[str, ...] = ()) -> Message:
    return Message(id=id, filename=id + ".md", agent=agent, type="agent", timestamp=None, topic="",
                   refs=refs, body="", source_path=f"message_board/{id}.md")


def trace(agent: str, session: str, promoted: float | None = None, started: float | None = None) -> Trace:
    return Trace(agent=agent, session_id=session, harness="claude-code", model="m",
                 started_at=at(started), ended_at=None, promoted_at=at(promoted), share="full",
                 completeness="complete", usage=TokenUsage(), tool_calls=None, tool_calls_by_name=(),
                 result_ref="", notes="", manifest_path=f"traces/{agent}/{session}/manifest.md",
                 log_path=None)


def ids(entries) -> list[str]:
    return [e.result.id if hasattr(e, "result") else e.id for e in entries]


def ranks(entries) -> list[int | None]:
    return [e.rank for e in entries]


# ---------------------------------------------------------------- ranking order and direction

def test_rank_higher_is_better_orders_best_first():
    lb = rank([res("r1", "a", 5, 0), res("r2", "b", 9, 1), res("r3", "c", 7, 2)], "higher", NO_FALLBACK)
    assert ids(lb.all) == ["r2", "r3", "r1"]
    assert ranks(lb.all) == [1, 2, 3]
    assert lb.direction == "higher" and lb.fallback is False


def test_rank_lower_is_better_orders_smallest_first():
    lb = rank([res("r1", "a", 5, 0), res("r2", "b", 9, 1), res("r3", "c", 7, 2)], "lower", NO_FALLBACK)
    assert ids(lb.all) == ["r1", "r3", "r2"]
    assert ranks(lb.all) == [1, 2, 3]


def test_rank_rejects_unknown_direction():
    with pytest.raises(ValueError):
        rank([res("r1")], "asc", NO_FALLBACK)  # type: ignore[arg-type]


def test_tied_scores_earlier_timestamp_wins_with_distinct_ranks():
    lb = rank([res("late", "a", 4, 10), res("early", "b", 4, 5), res("top", "c", 6, 20)],
              "higher", NO_FALLBACK)
    assert ids(lb.all) == ["top", "early", "late"]
    assert ranks(lb.all) == [1, 2, 3]


def test_tie_without_timestamp_goes_last_then_by_id():
    lb = rank([res("z-undated", "a", 4, None), res("b-undated", "b", 4, None), res("dated", "c", 4, 99)],
              "lower", NO_FALLBACK)
    assert ids(lb.all) == ["dated", "b-undated", "z-undated"]


def test_exact_tie_same_score_same_time_broken_by_id():
    lb = rank([res("r-b", "b", 2, 0), res("r-a", "a", 2, 0)], "higher", NO_FALLBACK)
    assert ids(lb.all) == ["r-a", "r-b"]
    assert ids(lb.best) == ["r-a", "r-b"]
    assert ranks(lb.best) == [1, 2]


def test_exact_tie_between_two_agents_earlier_agent_ranks_first_in_best():
    results = [res("b1", "bob", 8, 30), res("a1", "alice", 8, 40), res("a0", "alice", 3, 0)]
    lb = rank(results, "higher", NO_FALLBACK)
    assert ids(lb.best) == ["b1", "a1"]
    assert [e.result.agent for e in lb.best] == ["bob", "alice"]
    assert ranks(lb.best) == [1, 2]


# ---------------------------------------------------------------- best per agent vs all

def test_best_per_agent_keeps_one_row_per_agent_and_all_keeps_every_row():
    results = [res("a1", "alice", 3, 0), res("a2", "alice", 7, 10), res("a3", "alice", 5, 20),
               res("b1", "bob", 6, 5), res("c1", "carol", 9, 15)]
    lb = rank(results, "higher", NO_FALLBACK)
    assert ids(lb.best) == ["c1", "a2", "b1"]
    assert ranks(lb.best) == [1, 2, 3]
    assert ids(lb.all) == ["c1", "a2", "b1", "a3", "a1"]
    assert ranks(lb.all) == [1, 2, 3, 4, 5]


def test_best_per_agent_lower_direction_and_own_exact_tie_keeps_earlier():
    results = [res("late", "alice", 2, 50), res("early", "alice", 2, 10), res("worse", "alice", 4, 0),
               res("bob", "bob", 3, 0)]
    assert ids(best_per_agent(results, "lower")) == ["early", "bob"]
    lb = rank(results, "lower", NO_FALLBACK)
    assert ids(lb.best) == ["early", "bob"]


# ---------------------------------------------------------------- what is not ranked

def test_negative_invalid_pending_baseline_and_unscored_are_sorted_apart():
    results = [
        res("ok", "a", 5, 0, verification="valid"),
        res("pend", "b", 9, 1, verification="pending"),
        res("neg", "c", 99, 2, status="negative"),
        res("inv", "d", 100, 3, verification="invalid"),
        res("inv-neg", "e", 50, 4, status="negative", verification="invalid"),
        res("inv-base", "f", 70, 5, status="baseline", verification="invalid"),
        res("base", "organizers", 4, 6, status="baseline"),
        res("base-agent", "baseline", 6, 7),
        res("none", "g", None, 8),
        res("nan", "h", math.nan, 9),
        res("inf", "i", math.inf, 10),
        res("ninf", "j", -math.inf, 11),
    ]
    lb = rank(results, "higher", NO_FALLBACK)
    assert ids(lb.all) == ["pend", "ok"]          # pending is ranked (the table flags it)
    assert ranks(lb.all) == [1, 2]
    assert lb.all[0].result.verification == "pending"
    assert ids(lb.best) == ["pend", "ok"]
    assert ids(lb.negative) == ["neg"]
    assert ids(lb.invalid) == ["inv", "inv-neg", "inv-base"]   # invalid whatever its status
    assert ids(lb.baselines) == ["base-agent", "base"]         # best first
    assert ids(lb.unscored) == ["none", "nan", "inf", "ninf"]  # oldest first
    assert ids(lb.records) == ["ok", "pend"]


def test_lower_direction_negative_infinity_is_not_a_winning_score():
    lb = rank([res("ok", "a", 3, 0), res("ninf", "b", -math.inf, 1)], "lower", NO_FALLBACK)
    assert ids(lb.all) == ["ok"]
    assert ids(lb.unscored) == ["ninf"]


def test_baseline_without_a_usable_score_is_unscored():
    lb = rank([res("ok", "a", 3, 0), res("b", "baseline", None, 1, status="baseline")], "higher", NO_FALLBACK)
    assert lb.baselines == ()
    assert ids(lb.unscored) == ["b"]


# ---------------------------------------------------------------- fallback

def test_fallback_when_there_are_no_results():
    lb = rank([], "higher", FALLBACK)
    assert lb.fallback is True
    assert lb.all == () and lb.records == ()
    assert ranks(lb.best) == [None, None]
    first, second = (e.result for e in lb.best)
    assert (first.id, first.agent, first.score, first.score_text, first.method) == \
        ("fallback-1", "organizers", 1.5, "1.5", "ref")
    assert (second.id, second.agent, second.score, second.score_text, second.description) == \
        ("fallback-2", "gpt2", 3.0, "3", "tiny")
    assert {(r.status, r.origin, r.verification, r.timestamp, r.source_path)
            for r in (first, second)} == {("baseline", "fallback", None, None, "")}


def test_fallback_when_every_result_is_negative_or_invalid_still_lists_them():
    results = [res("neg", "a", 5, 0, status="negative"), res("inv", "b", 6, 1, verification="invalid"),
               res("none", "c", None, 2)]
    lb = rank(results, "lower", FALLBACK)
    assert lb.fallback is True
    assert ids(lb.best) == ["fallback-1", "fallback-2"]
    assert lb.all == ()
    assert ids(lb.negative) == ["neg"] and ids(lb.invalid) == ["inv"] and ids(lb.unscored) == ["none"]


def test_fallback_with_no_entries_configured_is_empty_but_flagged():
    lb = rank([res("neg", status="negative")], "higher", NO_FALLBACK)
    assert lb.fallback is True and lb.best == () and lb.all == ()


def test_no_fallback_when_one_result_ranks():
    lb = rank([res("neg", "a", 9, 0, status="negative"), res("ok", "b", 1, 1)], "higher", FALLBACK)
    assert lb.fallback is False
    assert ids(lb.best) == ["ok"] and ranks(lb.best) == [1]


def test_records_higher_direction():
    results = [res("r1", "a", 5, 0), res("r2", "b", 4, 10), res("r3", "c", 7, 20),
               res("r4", "a", 7, 30), res("r5", "b", 8, 40), res("neg", "d", 99, 35, status="negative")]
    lb = rank(results, "higher", NO_FALLBACK)
    assert ids(lb.records) == ["r1", "r3", "r5"]        # the equal r4 is not a record
    assert {e.result.id: e.is_record for e in lb.all} == \
        {"r1": True, "r2": False, "r3": True, "r4": False, "r5": True}
    assert [(e.result.id, e.rank, e.is_record) for e in lb.best] == \
        [("r5", 1, True), ("r3", 2, True), ("r4", 3, False)]


def test_records_lower_direction_walks_time_not_input_order():
    results = [res("r4", "a", 1.0, 30), res("r1", "a", 3.0, 0), res("r3", "b", 2.5, 20),
               res("r2", "c", 3.5, 10)]
    lb = rank(results, "lower", NO_FALLBACK)
    assert ids(lb.records) == ["r1", "r3", "r4"]
    assert ids(find_records(results, "lower")) == ["r1", "r3", "r4"]
    assert ids(find_records(results, "higher")) == ["r1", "r2"]


def test_records_at_the_same_instant_the_better_one_counts():
    results = [res("a-worse", "a", 2, 0), res("b-better", "b", 5, 0)]
    assert ids(find_records(results, "higher")) == ["b-better"]
    assert ids(find_records(results, "lower")) == ["a-worse"]


def test_best_per_agent_record_flag_in_best_view():
    results = [res("a1", "alice", 5, 0), res("b1", "bob", 6, 10), res("a2", "alice", 5.5, 20)]
    lb = rank(results, "higher", NO_FALLBACK)
    assert [(e.result.id, e.rank, e.is_record) for e in lb.best] == [("b1", 1, True), ("a2", 2, False)]


def test_threads_parents_children_and_missing_refs():
    messages = [
        msg("20260620-120000-000_a"),
        msg("20260620-120100-000_b", "b", refs=("20260620-120000-000_a.md",)),
        msg("20260620-120300-000_d", "d", refs=("message_board/20260620-120000-000_a.md",
                                                 "20260620-120100-000_b", "20260620-120000-000_a",
                                                 "20260620-120300-000_d", "results/x_a.md",
                                                 "gone.md", " gone.md ", "")),
        msg("20260620-120200-000_c", "c", refs=("20260620-120000-000_a",)),
    ]
    threads = build_threads(messages)
    assert list(threads) == ["20260620-120000-000_a", "20260620-120100-000_b",
                             "20260620-120200-000_c", "20260620-120300-000_d"]
    root = threads["20260620-120000-000_a"]
    assert root.parents == () and root.missing_refs == ()
    assert root.children == ("20260620-120100-000_b", "20260620-120200-000_c", "20260620-120300-000_d")
    d = threads["20260620-120300-000_d"]
    assert d.parents == ("20260620-120000-000_a", "20260620-120100-000_b")
    assert d.children == ()
    assert d.missing_refs == ("results/x_a.md", "gone.md")
    assert threads["20260620-120100-000_b"].children == ("20260620-120300-000_d",)
    assert threads["20260620-120100-000_b"].parents == ("20260620-120000-000_a",)


def said(hours: float | None, agent: str, *answers: str, name: str = "") -> Message:
    """A message posted `hours` after T0 (None: undated), answering `answers` (their names)."""
    stamp = "undated" if hours is None else f"{hours:07.2f}"
    m = msg(name or f"{stamp}_{agent}", agent, refs=tuple(f"{a}.md" for a in answers))
    return replace(m, timestamp=None if hours is None else T0 + timedelta(hours=hours))


def lively(*messages: Message, **options) -> list[Discussion]:
    ordered = sorted(messages, key=lambda m: m.id)
    return list(lively_discussions(ordered, build_threads(ordered), **options).discussions)


def test_a_discussion_is_a_message_and_the_replies_that_descend_from_it():
    opening = said(1, "a")
    reply = said(2, "b", opening.id)
    reply_to_reply = said(3, "a", reply.id)
    aside = said(4, "c")                                   # answers nothing, answered by nothing
    assert lively(opening, reply, reply_to_reply, aside) == [
        Discussion(opening.id, reply_to_reply.id, messages=3, recent=3, agents=2)]


def test_a_message_citing_several_discussions_counts_in_each_and_joins_none():
    """A daily digest citing three threads made them one discussion, which claimed 22 messages
    by 12 agents for a message that 9 by 5 answer. The digest is a reply on each thread's page:
    it counts in each, and no thread counts the others' messages."""
    first, second = said(1, "a"), said(2, "b")
    first_reply, second_reply = said(3, "c", first.id), said(4, "d", second.id)
    digest = said(5, "e", second.id, first.id, "results/x_a.md")
    assert lively(first, second, first_reply, second_reply, digest) == [
        Discussion(first.id, digest.id, messages=3, recent=3, agents=3),
        Discussion(second.id, digest.id, messages=3, recent=3, agents=3)]


def test_a_reply_joins_the_messages_before_it_that_it_answers():
    """A ref to a later message (a misdated file) could close a loop: it is passed over."""
    opening, other = said(1, "a"), said(2, "b")
    reply = said(3, "c", "9999.00_later", other.id, opening.id)
    later = said(9999, "d", reply.id, name="9999.00_later")
    assert lively(opening, other, reply, later) == [
        Discussion(opening.id, later.id, messages=3, recent=1, agents=3),
        Discussion(other.id, later.id, messages=3, recent=1, agents=3)]


def test_a_message_joins_at_most_so_many_discussions():
    openings = [said(n, f"a{n}") for n in range(MAX_JOINED + 5)]
    digest = said(100, "d", *(m.id for m in openings))
    found = lively(*openings, digest, limit=100)
    assert [d.opening for d in found] == [m.id for m in openings[:MAX_JOINED]]


def test_the_day_counted_ends_with_the_newest_message_not_the_clock():
    """Replies in the 24 hours before the newest message count; an older discussion, however
    large, is not listed once none of its messages is in that day."""
    old = said(0, "a")
    old_replies = [said(1 + n, "b", old.id) for n in range(5)]
    fresh = said(80, "c")                                  # 30 hours before the newest message
    early_reply = said(81, "e", fresh.id)
    late_reply = said(110, "d", early_reply.id)
    assert lively(old, *old_replies, fresh, late_reply, early_reply) == [
        Discussion(fresh.id, late_reply.id, messages=3, recent=1, agents=3)]
    assert lively(old, *old_replies, fresh, late_reply, early_reply, window=timedelta(days=5)) == [
        Discussion(old.id, old_replies[-1].id, 6, 6, 2), Discussion(fresh.id, late_reply.id, 3, 3, 3)]


def test_discussions_rank_by_messages_in_the_day_then_by_size_then_by_the_newest():
    a, b, c, d = (said(h, name) for h, name in ((0, "a"), (1, "b"), (2, "c"), (3, "d")))
    b = said(-20, "b")                                                   # before the day
    a_replies = [said(10, "x", a.id), said(11, "y", a.id)]               # 3 messages, 3 that day
    b_replies = [said(11.5, "x", b.id), said(12, "y", b.id)]             # 3, 2 that day
    c_reply = said(13, "x", c.id)                                        # 2, 2 that day
    d_reply = said(14, "x", d.id)                                        # 2, 2 that day, newer
    found = lively(a, b, c, d, *a_replies, *b_replies, c_reply, d_reply)
    assert [x.opening for x in found] == [a.id, b.id, d.id, c.id]
    assert [x.opening for x in lively(a, b, c, d, *a_replies, *b_replies, c_reply, d_reply,
                                      limit=2)] == [a.id, b.id]


def test_undated_messages_join_discussions_without_counting_in_the_day():
    opening = said(1, "a")
    undated = said(None, "b", opening.id)
    assert lively(opening, undated) == [Discussion(opening.id, undated.id, 2, 1, 2)]
    assert lively(said(None, "a", name="x"), said(None, "b", "x", name="y")) == []
    assert lively() == []


def test_result_refs_names_results_by_file():
    results = [res("x", "a", path="results/20260620-120000-000_a.md"),
               res("y", "b", path="artifacts/results/run_b.json")]
    by_file = results_by_filename(results)
    m = msg("m", refs=("20260620-120000-000_a.md", "results/20260620-120000-000_a", "run_b.json",
                       "nothing", "20260620-120000-000_a"))
    assert ids(result_refs(m, by_file)) == ["x", "y"]


def test_refs_naming_nothing_in_the_bucket_are_one_problem_per_message():
    results = [res("x", "a", path="results/20260620-120000-000_a.md"),
               res("y", "b", path="artifacts/results/run_b.json")]
    messages = (msg("20260620-120000-000_alice"),
                msg("20260620-130000-000_bob", refs=("20260620-120000-000_alice.md", "run_b",
                                                     "20260620-120000-000_a.md")),
                msg("20260620-140000-000_carol", refs=("20251103-101500_kestrel",
                                                       "20251103-101500_kestrel.md", "gone.md")),
                msg("20260620-150000-000_dan", refs=tuple(f"lost-{n}" for n in range(7))))
    collab = assemble(Inputs(results=tuple(results), messages=messages, agents=(), traces=(),
                             problems=()), Config(fallback=FALLBACK))
    assert [(p.path, p.reason) for p in collab.problems] == [
        ("message_board/20260620-140000-000_carol.md",
         "refs 20251103-101500_kestrel, 20251103-101500_kestrel.md, gone.md: no such message in "
         "message_board/ (nor result); shown unlinked"),
        ("message_board/20260620-150000-000_dan.md",
         "refs lost-0, lost-1, lost-2, lost-3, lost-4 and 2 more: no such message in "
         "message_board/ (nor result); shown unlinked")]


def test_a_ref_naming_a_result_by_its_stem_is_not_also_missing():
    by_file = results_by_filename([res("y", "b", path="artifacts/results/run_b.json")])
    threads = build_threads([msg("m", refs=("run_b", "run_b.json", "nothing"))])
    assert unresolved_refs(threads["m"], by_file) == ("nothing",)


# ---------------------------------------------------------------- unique ids

def test_unique_ids_suffixes_deterministically_and_skips_taken_suffixes():
    assert unique_ids(["a", "b", "a", "a-2", "a", ""]) == ["a", "b", "a-3", "a-2", "a-4", "x"]


def test_unique_result_ids_oldest_keeps_plain_id_whatever_the_input_order():
    r_new = res("same", "a", 1, 10, path="results/new.md")
    r_old = res("same", "b", 2, 0, path="results/old.md")
    r_undated = res("same", "c", 3, None, path="results/undated.md")
    for order in ([r_new, r_old, r_undated], [r_undated, r_new, r_old]):
        out = unique_result_ids(order)
        assert [(r.id, r.source_path) for r in out] == [
            ("same", "results/old.md"), ("same-2", "results/new.md"), ("same-3", "results/undated.md")]


# ---------------------------------------------------------------- agents

def test_collect_agents_registered_plus_bare_sorted_without_baseline():
    inputs = Inputs(
        results=(res("r1", "zed"), res("r2", "alice"), res("b", "baseline", status="baseline"),
                 res("org", "organizers", status="baseline")),
        messages=(msg("m1", "bob"), msg("m2", "alice"), msg("m3", "")),
        agents=(Agent(id="alice", model="claude", registered=True),
                Agent(id="alice", model="duplicate", registered=True),
                Agent(id="carol", registered=True)),
        traces=(trace("dave", "s1"),),
        problems=(),
    )
    agents = collect_agents(inputs)
    assert [(a.id, a.registered) for a in agents] == [
        ("alice", True), ("bob", False), ("carol", True), ("dave", False), ("zed", False)]
    assert agents[0].model == "claude"
    assert agents[1] == Agent(id="bob", registered=False)


# ---------------------------------------------------------------- assemble and per-agent views

def test_traces_newest_first_by_promoted_then_started():
    traces = [trace("a", "s1", promoted=10), trace("b", "s2", started=30), trace("c", "s3"),
              trace("d", "s4", promoted=5, started=50), trace("a", "s0", promoted=10)]
    assert [t.session_id for t in sort_traces(traces)] == ["s2", "s0", "s1", "s4", "s3"]


def test_assemble_ties_everything_together():
    results = (res("r", "bob", 5, 20, path="results/r2.md"), res("r", "alice", 7, 10, path="results/r1.md"),
               res("neg", "alice", 1, 0, status="negative"))
    messages = (msg("20260620-120100-000_bob", "bob", refs=("20260620-120000-000_alice",)),
                msg("20260620-120000-000_alice", "alice"))
    inputs = Inputs(results=results, messages=messages, agents=(Agent(id="alice", registered=True),),
                    traces=(trace("bob", "old", promoted=0), trace("bob", "new", promoted=60)),
                    problems=(Problem("z.md", "bad"), Problem("a.md", "worse"), Problem("a.md", "bad")))
    config = Config(metric=MetricConfig(direction="lower"), fallback=FALLBACK)
    collab = assemble(inputs, config)
    assert [(r.id, r.agent) for r in collab.results] == [("neg", "alice"), ("r", "alice"), ("r-2", "bob")]
    assert [m.id for m in collab.messages] == ["20260620-120000-000_alice", "20260620-120100-000_bob"]
    assert [t.session_id for t in collab.traces] == ["new", "old"]
    assert [(a.id, a.registered) for a in collab.agents] == [("alice", True), ("bob", False)]
    assert collab.problems == (Problem("a.md", "bad"), Problem("a.md", "worse"), Problem("z.md", "bad"))
    assert collab.data_as_of == at(60), "the newest time any input carries: trace 'new'"
    assert collab.stale is False
    lb = collab.leaderboard
    assert lb.direction == "lower" and lb.fallback is False
    assert [(e.rank, e.result.id) for e in lb.all] == [(1, "r-2"), (2, "r")]
    assert ids(lb.negative) == ["neg"]
    assert collab.threads["20260620-120000-000_alice"].children == ("20260620-120100-000_bob",)

    assert {k: ids(v) for k, v in results_by_agent(collab).items()} == \
        {"alice": ["neg", "r"], "bob": ["r-2"]}
    assert list(results_by_agent(collab)) == ["alice", "bob"]
    assert {k: [m.id for m in v] for k, v in messages_by_agent(collab).items()} == \
        {"alice": ["20260620-120000-000_alice"], "bob": ["20260620-120100-000_bob"]}
    assert {k: [t.session_id for t in v] for k, v in traces_by_agent(collab).items()} == \
        {"bob": ["new", "old"]}


def test_messages_to_an_agent_mention_it_or_answer_it_and_are_not_its_own():
    def body(m: Message, text: str) -> Message:
        return replace(m, body=text, mentions=mentioned_names(text))
    messages = (body(msg("20260620-1200-a", "alice"), "Plan: @bob measures, @alice writes, @dave too."),
                body(msg("20260620-1201-b", "bob", refs=("20260620-1200-a",)), "On it, @alice."),
                msg("20260620-1202-c", "carol", refs=("20260620-1201-b",)),
                body(msg("20260620-1203-d", "bob"), "@bob notes to self"))
    inputs = Inputs(results=(), messages=messages, traces=(), problems=(),
                    agents=tuple(Agent(id=a, registered=True) for a in ("alice", "bob", "carol")))
    to = messages_to_agent(assemble(inputs, Config(fallback=FALLBACK)))
    assert {agent: [m.id for m in ms] for agent, ms in to.items()} == {
        "alice": ["20260620-1201-b"],                            # mentioned and answered: once
        "bob": ["20260620-1200-a", "20260620-1202-c"]}           # not its note to itself
                                                                 # nor to @dave, no agent here
    assert conversations(to) == {"alice": {"bob": 1}, "bob": {"alice": 1}, "carol": {"bob": 1}}


def test_the_pairs_that_wrote_to_each_other_most_and_whom_an_agent_writes_to_most():
    written = {"a": {"b": 2, "c": 1}, "b": {"a": 3}, "c": {"d": 4}, "d": {"a": 1}}
    pairs = top_pairs(written, lambda agent: f"/agents/{agent}/", 2)
    assert [(p.first.agent, p.first.messages, p.second.agent, p.second.messages, p.messages)
            for p in pairs] == [("b", 3, "a", 2, 5), ("c", 4, "d", 0, 4)]   # the bigger writer first
    assert pairs[0].first.url == "/agents/b/"
    assert [(c.agent, c.messages) for c in correspondents({"x": 1, "b": 2, "a": 2}, str, 2)] == \
        [("a", 2), ("b", 2)]                                                  # most, then by name


def test_assemble_with_nothing_shows_fallback():
    collab = assemble(Inputs((), (), (), (), ()), Config(fallback=FALLBACK))
    assert collab.leaderboard.fallback is True
    assert ids(collab.leaderboard.best) == ["fallback-1", "fallback-2"]
    assert collab.agents == () and collab.threads == {} and collab.data_as_of is None


def test_leaderboard_rows_that_repeat_a_result_file_are_dropped():
    from dataclasses import replace
    from builder.assemble import drop_leaderboard_duplicates
    file_result = res("f1", agent="kestrel", score=412.30)
    repeated = replace(res("lb-1-kestrel", agent="Kestrel", score=412.3), origin="leaderboard")
    only_in_table = replace(res("lb-2-orbit", agent="orbit", score=300.0), origin="leaderboard")
    kept = drop_leaderboard_duplicates([file_result, repeated, only_in_table])
    assert [r.id for r in kept] == ["f1", "lb-2-orbit"]


def test_a_verdict_written_only_in_the_leaderboard_reaches_the_result_file_it_repeats():
    from dataclasses import replace
    from builder.assemble import drop_leaderboard_duplicates
    gen1 = res("g1", agent="moth-9", score=371.48)                      # a JSON file: no verdict
    row = replace(res("lb-1-moth", agent="moth-9", score=371.48), origin="leaderboard",
                  verification="invalid")
    judged = replace(res("f2", agent="wren", score=400.0), verification="valid")
    disagreeing = replace(res("lb-2-wren", agent="wren", score=400.0), origin="leaderboard",
                          verification="invalid")
    kept = drop_leaderboard_duplicates([gen1, row, judged, disagreeing])
    assert [(r.id, r.verification) for r in kept] == [("g1", "invalid"), ("f2", "valid")]
    board = rank(kept, "higher", FALLBACK)
    assert [r.id for r in board.invalid] == ["g1"] and "g1" not in {e.result.id for e in board.all}


def test_messages_cite_a_taskforce_by_its_folder_or_a_file_in_it():
    said = {"m1": "See taskforces/quant-guard.", "m2": "`taskforces/quant-guard/budget.csv` and taskforces/spec/",
            "m3": "taskforces/quant-guard2 and mytaskforces/spec and taskforces/nope/README.md",
            "m4": "(taskforces/spec/README.md)"}
    inputs = Inputs(results=(), messages=tuple(replace(msg(k), body=v) for k, v in said.items()),
                    agents=(), traces=(), problems=(),
                    taskforces=(Taskforce("quant-guard", ""), Taskforce("spec", "")))
    cited = messages_citing_taskforces(assemble(inputs, Config(fallback=FALLBACK)), "taskforces")
    assert {k: [m.id for m in v] for k, v in cited.items()} == {"quant-guard": ["m1", "m2"],
                                                                "spec": ["m2", "m4"]}


def test_each_agent_has_the_taskforces_it_is_a_member_of():
    collab = assemble(Inputs((), (), (), (), (), taskforces=(
        Taskforce("a", "", members=("kestrel", "orbit-7")), Taskforce("b", "", members=("orbit-7",)))),
        Config(fallback=FALLBACK))
    assert {k: [t.id for t in v] for k, v in taskforces_by_agent(collab).items()} == {
        "kestrel": ["a"], "orbit-7": ["a", "b"]}
