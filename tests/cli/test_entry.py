"""The script's own reading of ``modtrace trace``'s arguments agrees with click's, or defers.

:func:`read_trace_args` may only accept what click would parse to the same request; anything it
is unsure of goes to click. Its tables must name every option the click command has.
"""

from __future__ import annotations

import dataclasses

import click
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modtrace.cli import entry
from modtrace.cli.trace_cmds import trace_cmd
from modtrace.cli.trace_run import TraceRequest


def clicks_request(args: list[str]) -> TraceRequest | None:
    """The request click parses ``trace ARGS`` to; ``None`` when click refuses them."""
    try:
        context = trace_cmd.make_context("trace", list(args), resilient_parsing=False)
    except click.exceptions.Exit:
        return None
    except click.ClickException:
        return None
    return TraceRequest(**context.params)


def test_the_tables_name_every_option_of_the_click_command() -> None:
    options = {p.name: p for p in trace_cmd.params if isinstance(p, click.Option)}
    read = {**entry.OPTIONS, **entry.FLAGS}
    assert {max(p.opts, key=len): name for name, p in options.items()} == read
    for name, option in options.items():
        assert option.is_flag == (name in entry.FLAGS.values()), name
        assert option.multiple == (name in entry.REPEATABLE), name
        if isinstance(option.type, click.Choice):
            assert tuple(option.type.choices) == entry.CHOICES[name]
        if isinstance(option.type, click.IntRange):
            assert name in entry.COUNTS
            assert (option.type.min, option.type.max) == (1, None)
    arguments = [p.name for p in trace_cmd.params if isinstance(p, click.Argument)]
    assert arguments == ["model_id"]


def test_the_request_defaults_are_the_click_defaults() -> None:
    assert clicks_request(["some/model"]) == TraceRequest("some/model")
    fields = [f.name for f in dataclasses.fields(TraceRequest)]
    assert fields == [p.name for p in trace_cmd.params]


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["m/x", "--help"], id="help"),
        pytest.param(["-h"], id="short-help"),
        pytest.param(["m/x", "--depth=2"], id="equals-form"),
        pytest.param(["m/x", "--depth", "0"], id="depth-zero"),
        pytest.param(["m/x", "--depth", "-1"], id="negative"),
        pytest.param(["m/x", "--limit", "1.5"], id="not-whole"),
        pytest.param(["m/x", "--depth", "٣"], id="other-digits"),
        pytest.param(["m/x", "--limit", "9" * 5000], id="too-many-digits"),
        pytest.param(["m/x", "--direction", "sideways"], id="bad-choice"),
        pytest.param(["m/x", "--format", "csv"], id="bad-format"),
        pytest.param(["m/x", "n/y"], id="two-models"),
        pytest.param([], id="no-model"),
        pytest.param(["m/x", "--limit"], id="missing-value"),
        pytest.param(["m/x", "--depth", "1", "--depth", "2"], id="repeated"),
        pytest.param(["m/x", "--include-deleted", "--include-deleted"], id="repeated-flag"),
        pytest.param(["--", "-m/x"], id="double-dash"),
        pytest.param(["m/x", "--path-to", "-x"], id="value-like-an-option"),
        pytest.param(["m/x", "--dept", "1"], id="misspelt"),
    ],
)
def test_other_forms_are_left_to_click(args: list[str]) -> None:
    assert entry.read_trace_args(args) is None


def test_a_plain_request_reads_as_click_reads_it() -> None:
    args = [
        "org/base",
        "--direction",
        "descendants",
        "--depth",
        "3",
        "--limit",
        "7",
        "--source",
        "card",
        "--source",
        "hub-stats",
        "--include-deleted",
        "--database",
        "sqlite:///x.sqlite3",
        "--format",
        "json",
        "--path-to",
        "a/b",
    ]
    assert entry.read_trace_args(args) == clicks_request(args)
    assert entry.read_trace_args(args) == TraceRequest(
        "org/base", "descendants", 3, "a/b", 7, ("card", "hub-stats"), True,
        "sqlite:///x.sqlite3", "json",
    )  # fmt: skip


TOKENS = st.one_of(
    st.sampled_from(
        [*entry.OPTIONS, *entry.FLAGS, "--help", "-h", "--", "--depth=2", "-x", "--nope"]
    ),
    st.sampled_from(["back", "forward", "ancestry", "descendants", "json", "text", "csv"]),
    st.sampled_from(["1", "2", "0", "-1", "07", "+3", " 4", "1e3", "", "x"]),
    st.sampled_from(["org/base", "a/ft", "sqlite:///r.sqlite3", "card", "hf-lineage", "web"]),
    st.text(max_size=6),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(TOKENS, max_size=9))
def test_whatever_the_script_reads_click_reads_the_same(args: list[str]) -> None:
    mine = entry.read_trace_args(args)
    if mine is not None:
        assert mine == clicks_request(args), args
