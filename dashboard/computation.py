"""One decorator for every model computation the dashboard caches, and the shared-or-private choice, made here once.

    @computation(uses="gd", max_entries=8, warm=lambda d: [Warm((d.weights.batchnorm_n, d.weights.batchnorm_seed))])
    def batchnorm_view(gen: Active, disc: Active, n: int, seed: int) -> pd.DataFrame: ...

`uses` names the models the result depends on ("" none, "g" generator, "d" discriminator, "gd" both), so each
result is keyed by exactly those models' content keys and nothing else: a generator-only result is not recomputed
when the student switches discriminators. The function receives one `Active` per used model (`ref.model` is the
module), then its own arguments.

Calling `batchnorm_view(500, 0)` uses this session's active weights. When every used model is shipped, the result
comes from a server-wide Streamlit cache (`st.cache_data`, or `st.cache_resource` with resource=True for objects
that must not be copied); if any is a student's upload it is computed privately and memoised in that session
only, so it can never reach another session. `.run(refs, *args)` takes the models explicitly (the zoo, the
warm-up, and computations that call each other).

`warm` maps the pages' defaults (dashboard/pages.py) to the `Warm` calls dashboard/warm_up.py precomputes with
the shipped weights before students ask: the default views first, then the `later` ones.

A long computation is declared in chunks (each its own computation, cached on its own) and run with `arrivals`,
which yields each chunk as it is ready, so a page can draw the first ones while the rest run (dashboard/progressive.py).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from dashboard import pages, session_weights
from dashboard.session_weights import Active
from gan_core import workers
from gan_core.seeding import use_single_thread

# One torch/BLAS thread per computation for the whole server; gan_core.workers explains why and uses the second core.
use_single_thread()

MODEL_LETTERS = {"g": "generator", "d": "discriminator"}
SESSION_MEMO_SIZE = 6  # per computation: results computed with uploaded weights (each a small DataFrame or array)
_MEMO = "_private_memo"  # session_state key: {computation name: {(model keys..., args...): result}}


@dataclass(frozen=True)
class Warm:
    """One call the warm-up makes: `args` after the models; with every shipped discriminator (the zoo shows all
    of them at once) or the default one; `later` ones after every page's default view."""

    args: tuple
    every_discriminator: bool = False
    later: bool = False


WarmCalls = Callable[[pages.Defaults], list[Warm]]


@dataclass
class Computation:
    """A model computation declared with @computation; call it like the function minus its model arguments."""

    fn: Callable[..., Any]
    uses: tuple[str, ...]  # model kinds, in the function's argument order
    max_entries: int
    resource: bool = False
    warm: WarmCalls | None = None
    session_entries: int = SESSION_MEMO_SIZE  # this computation's private results kept per session
    name: str = field(init=False)
    cached: Callable[..., Any] = field(init=False)  # (model keys..., args...) -> result, server-wide

    def __post_init__(self) -> None:
        self.name = self.fn.__name__

        def cached(*keys_and_args, **hidden):
            refs = [Active(kind, *key) for kind, key in zip(self.uses, keys_and_args)]
            return self.fn(*refs, *keys_and_args[len(self.uses) :], **hidden)

        # Streamlit keys a cache by the function's module, qualified name and source: give each its own.
        cached.__module__, cached.__name__ = self.fn.__module__, self.fn.__name__
        cached.__qualname__ = f"{self.fn.__qualname__}.shared"
        decorate = st.cache_resource if self.resource else st.cache_data
        self.cached = decorate(show_spinner=False, max_entries=self.max_entries)(cached)

    def __call__(self, *args, **refs: Active):
        """With this session's active weights; a keyword (generator=..., discriminator=...) overrides one."""
        return self.run({kind: refs.get(kind) or session_weights.active(kind) for kind in self.uses}, *args)

    def run(self, refs: dict[str, Active], *args, **hidden):
        """With the given weights: through the shared cache when all are shipped, else privately in this session.
        `hidden` keywords start with "_" and are not part of the key (Streamlit hashes no such argument): how the
        computation reports its progress, never what it computes."""
        assert all(name.startswith("_") for name in hidden), hidden
        chosen = [refs[kind] for kind in self.uses]
        if self.shared(refs):
            return self.cached(*(ref.key for ref in chosen), *args, **hidden)
        memo = st.session_state.setdefault(_MEMO, {}).setdefault(self.name, {})
        key = (*(ref.key for ref in chosen), *args)
        if key not in memo:
            while len(memo) >= self.session_entries:
                memo.pop(next(iter(memo)))
            memo[key] = self.fn(*chosen, *args, **hidden)
        return memo[key]

    def shared(self, refs: dict[str, Active]) -> bool:
        """Whether run(refs, ...) goes through the server-wide cache (every used model shipped)."""
        return all(refs[kind].shared for kind in self.uses)

    def warm_calls(self, defaults: pages.Defaults) -> list[Warm]:
        return self.warm(defaults) if self.warm else []


@dataclass(frozen=True)
class Call:
    """One run of a computation: `computation.run(refs, *args)`."""

    computation: Computation
    refs: dict[str, Active]
    args: tuple


def arrivals(calls: list[Call]) -> Iterator[tuple[int, Any]]:
    """(i, the result of calls[i]) for every call as each is ready.

    When every call is on shipped weights they run at once on gan_core.workers' two one-thread workers (each call
    in one thread, so there is no barrier between calls) through the shared cache, which any thread may use. With
    an uploaded model they run in order in this script thread: the private memo lives in this session's state,
    which only the script thread may touch (each call's own batches still use both workers)."""
    if all(call.computation.shared(call.refs) for call in calls):
        yield from workers.as_completed(lambda call: call.computation.run(call.refs, *call.args), calls)
        return
    for i, call in enumerate(calls):
        yield i, call.computation.run(call.refs, *call.args)


REGISTRY: list[Computation] = []  # in declaration order: the warm-up's order


def computation(
    uses: str,
    max_entries: int,
    resource: bool = False,
    warm: WarmCalls | None = None,
    session_entries: int = SESSION_MEMO_SIZE,
) -> Callable[[Callable[..., Any]], Computation]:
    """Declare a model computation (see the module docstring)."""
    kinds = tuple(MODEL_LETTERS[letter] for letter in uses)

    def declare(fn: Callable[..., Any]) -> Computation:
        entry = Computation(fn, kinds, max_entries, resource, warm, session_entries)
        REGISTRY.append(entry)
        return entry

    return declare
