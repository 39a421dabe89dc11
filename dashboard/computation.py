"""One decorator for every model computation the dashboard caches, and the shared-or-private choice, made here once.

    @computation(uses="gd", max_entries=24, warm=lambda d: [Warm((d.distributions.n, d.distributions.seed))])
    def group_scores(gen: Active, disc: Active, n: int, seed: int) -> pd.DataFrame: ...

`uses` names the models the result depends on ("" none, "g" generator, "d" discriminator, "gd" both), so each
result is keyed by exactly those models' content keys and nothing else: a generator-only result is not recomputed
when the student switches discriminators. The function receives one `Active` per used model (`ref.model` is the
module), then its own arguments.

Calling `group_scores(500, 0)` uses this session's active weights. When every used model is shipped, the result
comes from a server-wide Streamlit cache (`st.cache_data`, or `st.cache_resource` with resource=True for objects
that must not be copied); if any is a student's upload it is computed privately and memoised in that session
only, so it can never reach another session. `.run(refs, *args)` takes the models explicitly (the zoo, the
warm-up, and computations that call each other).

`warm` maps the pages' defaults (dashboard/pages.py) to the `Warm` calls dashboard/warm_up.py precomputes with
the shipped weights before students ask: the default views first, then the `later` ones.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from dashboard import pages, session_weights
from dashboard.session_weights import Active
from gan_core.seeding import use_single_thread

# One torch/BLAS thread per computation for the whole server; gan_core.workers explains why and uses the second core.
use_single_thread()

MODEL_LETTERS = {"g": "generator", "d": "discriminator"}
SESSION_MEMO_SIZE = 6  # per-session results computed with uploaded weights (each a small DataFrame or array)
_MEMO = "_private_memo"  # session_state key


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
    name: str = field(init=False)
    cached: Callable[..., Any] = field(init=False)  # (model keys..., args...) -> result, server-wide

    def __post_init__(self) -> None:
        self.name = self.fn.__name__

        def cached(*keys_and_args):
            refs = [Active(kind, *key) for kind, key in zip(self.uses, keys_and_args)]
            return self.fn(*refs, *keys_and_args[len(self.uses) :])

        # Streamlit keys a cache by the function's module, qualified name and source: give each its own.
        cached.__module__, cached.__name__ = self.fn.__module__, self.fn.__name__
        cached.__qualname__ = f"{self.fn.__qualname__}.shared"
        decorate = st.cache_resource if self.resource else st.cache_data
        self.cached = decorate(show_spinner=False, max_entries=self.max_entries)(cached)

    def __call__(self, *args, **refs: Active):
        """With this session's active weights; a keyword (generator=..., discriminator=...) overrides one."""
        return self.run({kind: refs.get(kind) or session_weights.active(kind) for kind in self.uses}, *args)

    def run(self, refs: dict[str, Active], *args):
        """With the given weights: through the shared cache when all are shipped, else privately in this session."""
        chosen = [refs[kind] for kind in self.uses]
        if all(ref.shared for ref in chosen):
            return self.cached(*(ref.key for ref in chosen), *args)
        memo = st.session_state.setdefault(_MEMO, {})
        key = (self.name, *(ref.key for ref in chosen), *args)
        if key not in memo:
            while len(memo) >= SESSION_MEMO_SIZE:
                memo.pop(next(iter(memo)))
            memo[key] = self.fn(*chosen, *args)
        return memo[key]

    def warm_calls(self, defaults: pages.Defaults) -> list[Warm]:
        return self.warm(defaults) if self.warm else []


REGISTRY: list[Computation] = []  # in declaration order: the warm-up's order


def computation(
    uses: str,
    max_entries: int,
    resource: bool = False,
    warm: WarmCalls | None = None,
) -> Callable[[Callable[..., Any]], Computation]:
    """Declare a model computation (see the module docstring)."""
    kinds = tuple(MODEL_LETTERS[letter] for letter in uses)

    def declare(fn: Callable[..., Any]) -> Computation:
        entry = Computation(fn, kinds, max_entries, resource, warm)
        REGISTRY.append(entry)
        return entry

    return declare
