"""Adjustments to experta's Rete network and agenda: exact retraction, isolated feature tests,
hash-indexed joins.

Exact retraction. experta's depth strategy removes a retracted activation by bisecting the
agenda on (salience, facts) and looking only one place either side; when more than three
activations share that key (several rules firing on the same fact), the one to remove can sit
further away and is never removed, so a rule whose ``not`` became false still fires.
``ExactRemovalStrategy`` searches the whole run of equal keys.

Isolation. experta's feature-test nodes add the variables they bind to the context of the token
they received and pass that same token on; one fact's token travels through the alpha branches of
every rule, so bindings made for one rule leak into the tokens another rule sees, and a rule using
the same variable name for another field then rejects the fact (a ``not`` that should block stops
blocking). ``IsolatedFeatureTesterNode`` binds into a copy of the token instead.

Indexed joins.
experta's two-input nodes compare every token arriving on one side with every token stored on
the other: a join of two large fact sets costs |left| × |right| comparisons. Its join test
(``SameContextCheck``) only ever asks whether the variables both sides bound are equal, so each
node's memories can be indexed by the values of those shared variables, and a new token is
compared only with the tokens of its own bucket. Results are identical; only the pairs that could
never match are skipped.

The index is applied after experta builds the network, by switching the class of its
``OrdinaryMatchNode`` and ``NotNode`` instances to the subclasses below (same state, same
callbacks). A node whose tokens do not all bind the same variables, or that carries negated
bindings, falls back to experta's behaviour for good.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Mapping
from typing import Any

from . import _compat  # noqa: F401  (experta is imported through the shim first)
from experta import KnowledgeEngine, watchers  # noqa: E402
from experta.conditionalelement import ConditionalElement  # noqa: E402
from experta.fact import Fact, InitialFact  # noqa: E402
from experta.factlist import FactList  # noqa: E402
from experta.fieldconstraint import ANDFC, NOTFC, ORFC, W  # noqa: E402
from experta.utils import freeze  # noqa: E402
from experta.matchers.rete import ReteMatcher  # noqa: E402
from experta.matchers.rete.abstract import OneInputNode  # noqa: E402
from experta.matchers.rete.check import FactCapture, FeatureCheck, SameContextCheck, TypeCheck  # noqa: E402
from experta.matchers.rete.mixins import ChildNode  # noqa: E402
from experta.matchers.rete.nodes import (  # noqa: E402
    ConflictSetNode,
    FeatureTesterNode,
    NotNode,
    OrdinaryMatchNode,
    WhereNode,
)
from experta.matchers.rete.token import Token, TokenInfo  # noqa: E402
from experta.matchers.rete.utils import extract_facts, generate_checks, prepare_rule  # noqa: E402
from experta.rule import Rule  # noqa: E402
from experta.strategies import DepthStrategy  # noqa: E402

from .compile import FACT_KEY, FACT_TYPE_ATTRIBUTE, PatternMember, fact_class  # noqa: E402

_UNSET: Any = object()


def _token(tag: Any, data: Any, context: dict[str, Any]) -> Token:
    """A Token without experta's per-token type assertions (the inputs are already tokens' parts)."""
    return tuple.__new__(Token, (tag, data, context))


class _NoCopy:
    """Mixin: activate without experta's defensive token copy (no node of this network changes a token)."""

    # provided by experta's node classes this is mixed into
    _activate: Callable[..., Any]
    _activate_left: Callable[..., Any]
    _activate_right: Callable[..., Any]

    def activate(self, token: Token) -> Any:
        return self._activate(token)  # type: ignore[attr-defined]  # experta node methods, see the subclasses

    def activate_left(self, token: Token) -> Any:
        return self._activate_left(token)  # type: ignore[attr-defined]

    def activate_right(self, token: Token) -> Any:
        return self._activate_right(token)  # type: ignore[attr-defined]


def _data_key(data: Any) -> int | frozenset[int]:
    """Identity of a token's facts: within one side of a node, equal facts mean an equal token.

    One fact (every right-hand token, and the left of a rule's first join) is keyed by its id
    alone, which saves a frozenset per stored token.
    """
    if len(data) == 1:
        for fact in data:
            return id(fact)
    return frozenset(map(id, data))


class _Joins:
    """Both memories of a join node, bucketed by the values of the variables both sides bind.

    An entry is ``[data, context, count]`` (``count``: matching right tokens, for not-nodes); a
    bucket maps the identity of an entry's facts to its entries. While every token of a side binds
    the same plain variables, tokens can only match the tokens of their own bucket, and within a
    bucket they always match (the join test compares exactly those variables). Anything else —
    negated bindings, tokens of another shape — switches the node back to experta's own behaviour.
    """

    def __init__(self) -> None:
        self.sizes: list[int | None] = [None, None]
        self.names: list[frozenset[str] | None] = [None, None]
        self.shared: tuple[str, ...] | None = None
        self.buckets: tuple[dict[Any, dict[Any, list[list[Any]]]], dict[Any, dict[Any, list[list[Any]]]]] = ({}, {})
        self.disabled = False

    def accepts(self, context: dict[Any, Any], side: int) -> bool:
        """Whether the index can take this token; learns each side's shape from its first token."""
        if self.disabled:
            return False
        size = self.sizes[side]
        if size is None:
            if not all(isinstance(k, str) for k in context):
                return False
            self.sizes[side] = len(context)
            self.names[side] = frozenset(context)
            other = self.names[1 - side]
            if other is not None:
                self.shared = tuple(sorted(other & frozenset(context)))
                self._shared_known()
            return True
        return len(context) == size

    def _shared_known(self) -> None:
        """Put the entries stored before the shared variables were known in their buckets."""
        for index in (0, 1):
            old = self.buckets[index].pop((), {})
            for entries in old.values():
                for entry in entries:
                    self._bucket(index, entry[1]).setdefault(_data_key(entry[0]), []).append(entry)

    def key(self, context: dict[str, Any]) -> tuple[Any, ...]:
        shared = self.shared
        if not shared:
            return ()
        if len(shared) == 1:
            return (context[shared[0]],)
        return tuple([context[name] for name in shared])

    def _bucket(self, side: int, context: dict[str, Any]) -> dict[Any, list[list[Any]]]:
        return self.buckets[side].setdefault(self.key(context), {})

    def entries(self, side: int) -> list[list[Any]]:
        """Every entry of a side."""
        return [e for bucket in self.buckets[side].values() for entries in bucket.values() for e in entries]

    def add(self, side: int, entry: list[Any], key: tuple[Any, ...] | None = None) -> None:
        bucket = self.buckets[side].setdefault(self.key(entry[1]) if key is None else key, {})
        data = entry[0]
        identity = id(next(iter(data))) if len(data) == 1 else frozenset(map(id, data))
        found = bucket.get(identity)
        if found is None:
            bucket[identity] = [entry]
        else:
            found.append(entry)

    def find(self, side: int, data: Any, context: dict[str, Any]) -> list[Any] | None:
        for entry in self.buckets[side].get(self.key(context), {}).get(_data_key(data), ()):
            if entry[1] == context:
                return entry
        return None

    def remove(self, side: int, data: Any, context: dict[str, Any], key: tuple[Any, ...] | None = None) -> list[Any] | None:
        bucket = self.buckets[side].get(self.key(context) if key is None else key, {})
        identity = _data_key(data)
        entries = bucket.get(identity, [])
        for position, entry in enumerate(entries):
            if entry[1] == context:
                del entries[position]
                if not entries:  # an emptied list left behind would be walked by every later lookup
                    del bucket[identity]
                return entry
        return None

    def partners(self, side: int, context: dict[str, Any], key: tuple[Any, ...] | None = None) -> list[list[Any]]:
        """Entries of the other side that match a token of ``side`` (0 left, 1 right)."""
        bucket = self.buckets[1 - side].get(self.key(context) if key is None else key)
        if not bucket:
            return []
        if len(bucket) == 1:
            for entries in bucket.values():
                return list(entries)
        return [e for entries in bucket.values() for e in entries]

    def count(self, side: int, context: dict[str, Any]) -> int:
        """How many entries of the other side match."""
        bucket = self.buckets[1 - side].get(self.key(context), {})
        return sum(len(entries) for entries in bucket.values())


class _MatchMemories(_Joins):
    """Both memories of a match node, leaner than :class:`_Joins` (a match node keeps no counts).

    A bucket is the list of the side's tokens with that key, as they arrived: the tokens themselves
    are stored, no entry or identity is made for them, and a key of one variable is its value. A
    retraction is looked up among its bucket's tokens by its facts and bindings.

    While the other side has had no token, a side's tokens can meet no partner, and in most match
    nodes never will (a rule whose other pattern matches nothing): they are kept as they came,
    unindexed (:meth:`hold`), and put in their buckets once the other side has a token (:meth:`settle`).
    """

    def __init__(self) -> None:
        super().__init__()
        self.tokens: tuple[dict[Any, list[Token]], dict[Any, list[Token]]] = ({}, {})
        self.pending: list[list[Token]] = [[], []]
        """Per side, the tokens held while the other side has had none (:meth:`hold`), as they came ..."""
        self.grouped: list[dict[Any, list[Token]] | None] = [None, None]
        """... or, from the side's first retraction on, by the identity of their facts."""
        self.settled = False
        """Whether both sides have had a token (and the pending ones are in their buckets)."""

    def _shared_known(self) -> None:
        """Nothing to move: no token is stored before both sides' shapes are known."""

    def key(self, context: dict[str, Any]) -> Any:
        shared = self.shared
        if not shared:
            return ()
        if len(shared) == 1:
            return context[shared[0]]
        return tuple([context[name] for name in shared])

    def entries(self, side: int) -> list[list[Any]]:
        """Every token of a side, as :class:`_Joins` entries (pending ones last)."""
        held = [t for tokens in self.tokens[side].values() for t in tokens] + self.held(side)
        return [[t.data, t.context, 0] for t in held]

    def held(self, side: int) -> list[Token]:
        """The tokens of a side held (:meth:`hold`), in the order :meth:`settle` puts them in buckets."""
        grouped = self.grouped[side]
        return list(self.pending[side]) if grouped is None else [t for tokens in grouped.values() for t in tokens]

    def hold(self, side: int, token: Token) -> None:
        """Keep (or forget) a token of ``side`` while the other side has had none.

        From the first retraction on, the side's tokens are kept by the identity of their facts
        (:func:`_data_key`), so that each retraction finds its token at once.
        """
        grouped = self.grouped[side]
        if token.tag is _VALID:
            if grouped is None:
                self.pending[side].append(token)
            else:
                grouped.setdefault(_data_key(token.data), []).append(token)
            return
        if grouped is None:
            grouped = self.grouped[side] = {}
            for held in self.pending[side]:
                grouped.setdefault(_data_key(held.data), []).append(held)
            self.pending[side] = []
        identity = _data_key(token.data)
        same = grouped.get(identity, [])
        for position, held in enumerate(same):
            if held.context == token.context:
                del same[position]
                if not same:
                    del grouped[identity]
                return

    def settle(self) -> None:
        """Both sides have had a token: every held token into its bucket, in the order it came."""
        self.settled = True
        for side in (0, 1):
            held = self.held(side)
            self.pending[side], self.grouped[side] = [], None
            buckets = self.tokens[side]
            for token in held:
                key = self.key(token.context)
                tokens = buckets.get(key)
                if tokens is None:
                    buckets[key] = [token]
                else:
                    tokens.append(token)

    def discard(self, side: int, token: Token, key: Any) -> None:
        """Forget the token of ``side`` a retraction names (same facts, same bindings)."""
        buckets = self.tokens[side]
        tokens = buckets.get(key)
        if not tokens:
            return
        data, context = token.data, token.context
        for position, held in enumerate(tokens):
            if held.context == context and held.data == data:
                del tokens[position]
                if not tokens:  # an emptied list left behind would be walked by every later lookup
                    del buckets[key]
                return


class _NotMemories(_Joins):
    """Both memories of a not node: the left side's entries with their counts, as :class:`_Joins`
    keeps them, and the right side's tokens themselves, in a list per bucket (a right token needs no
    count: only how many there are per key, and which one a retraction names)."""

    def __init__(self) -> None:
        super().__init__()
        self.right: dict[Any, list[Token]] = {}
        self.pending: list[Token] = []
        """The left tokens held while the right side has had none (:meth:`hold_left`), as they came ..."""
        self.grouped: dict[Any, list[Token]] | None = None
        """... or, from the first retraction among them on, by the identity of their facts."""
        self.settled = False
        """Whether the right side has had a token (and the held left tokens are entries)."""

    def _shared_known(self) -> None:
        super()._shared_known()
        for token in self.right.pop((), []):  # right tokens stored before the shared variables were known
            self.right.setdefault(self.key(token.context), []).append(token)

    def entries(self, side: int) -> list[list[Any]]:
        if side == 0:
            return super().entries(0) + self._held_entries()
        return [[t.data, t.context, 0] for tokens in self.right.values() for t in tokens]

    def _held_entries(self) -> list[list[Any]]:
        """The held left tokens as entries of count 0, each distinct one once, in the order they came
        (or grouped by their facts)."""
        grouped = self.grouped
        held = self.pending if grouped is None else [t for tokens in grouped.values() for t in tokens]
        entries: list[list[Any]] = []
        seen: dict[Any, list[dict[str, Any]]] = {}
        for token in held:
            contexts = seen.setdefault(_data_key(token.data), [])
            if token.context not in contexts:
                contexts.append(token.context)
                entries.append([token.data, token.context, 0])
        return entries

    def hold_left(self, token: Token) -> None:
        """Keep (or forget) a left token while the right side has had none: every left token then
        meets no right token (count 0), and most never will (a not whose pattern matches nothing).

        A token arriving again is kept again (:meth:`settle` keeps one entry for it, as experta's left
        memory keeps one count); a retraction forgets every copy. From the first retraction on, the
        tokens are kept by the identity of their facts (:func:`_data_key`), so that each retraction
        finds its token at once.
        """
        grouped = self.grouped
        if token.tag is _VALID:
            if grouped is None:
                self.pending.append(token)
            else:
                grouped.setdefault(_data_key(token.data), []).append(token)
            return
        if grouped is None:
            grouped = self.grouped = {}
            for held in self.pending:
                grouped.setdefault(_data_key(held.data), []).append(held)
            self.pending = []
        identity = _data_key(token.data)
        same = grouped.get(identity)
        if same:
            context = token.context
            kept = [held for held in same if held.context != context]
            if kept:
                grouped[identity] = kept
            else:
                del grouped[identity]

    def settle(self) -> None:
        """The right side has its first token: every held left token becomes an entry of count 0."""
        self.settled = True
        held = self._held_entries()
        self.pending, self.grouped = [], None
        for entry in held:
            self.add(0, entry)

    def count(self, side: int, context: dict[str, Any]) -> int:
        """How many right tokens a left token of this context meets (``side`` 0)."""
        return len(self.right.get(self.key(context), ()))

    def add_right(self, token: Token) -> None:
        self.right.setdefault(self.key(token.context), []).append(token)

    def discard_right(self, token: Token) -> bool:
        """Forget the right token a retraction names (same facts, same bindings); whether there was one."""
        key = self.key(token.context)
        tokens = self.right.get(key)
        if not tokens:
            return False
        data, context = token.data, token.context
        for position, held in enumerate(tokens):
            if held.context == context and held.data == data:
                del tokens[position]
                if not tokens:
                    del self.right[key]
                return True
        return False


class _IndexedJoin(_NoCopy):
    """Mixin: a join node's memories kept in a :class:`_Joins` index, handed back as experta's own
    memories (and experta's code path) once a token the index cannot take arrives."""

    joins: _Joins
    left_memory: Any
    right_memory: Any

    _memories: type[_Joins] = _Joins

    def _reset(self) -> None:
        super()._reset()  # type: ignore[misc]
        self.joins = self._memories()

    def _fallback(self) -> None:
        joins = self.joins
        if not joins.disabled:
            self.left_memory = self._left_memory(joins.entries(0))
            self.right_memory = [TokenInfo(e[0], e[1]) for e in joins.entries(1)]
            self.joins = joins = self._memories()  # the tokens are experta's from here on
            joins.disabled = True

    @staticmethod
    def _left_memory(entries: list[list[Any]]) -> Any:
        return [TokenInfo(e[0], e[1]) for e in entries]


class IndexedMatchNode(_IndexedJoin, OrdinaryMatchNode):
    """An OrdinaryMatchNode whose tokens meet only the tokens with equal join-variable values."""

    joins: _MatchMemories
    _memories = _MatchMemories

    def _activate(self, token: Token, side: int) -> None:
        self._join(side, token)

    def _join(self, side: int, token: Token) -> None:
        """A token arriving on ``side``: stored (or removed) in its bucket, joined with the other
        side's bucket (:class:`_MatchMemories`). The common case (a token of the shape the side
        learnt, both sides settled) is written out here: :meth:`_MatchMemories.key` inline."""
        joins = self.joins
        context = token.context
        if joins.disabled or len(context) != joins.sizes[side]:
            if not joins.accepts(context, side):
                self._fallback()
                (super()._activate_left if side == 0 else super()._activate_right)(token)
                return
        if not joins.settled:
            if joins.sizes[1 - side] is None:  # the other side has had no token: nothing to meet yet
                joins.hold(side, token)
                return
            joins.settle()
        shared = joins.shared
        if not shared:
            key: Any = ()
        elif len(shared) == 1:
            key = context[shared[0]]
        else:
            key = tuple([context[name] for name in shared])
        tag = token.tag
        if tag is _VALID:
            buckets = joins.tokens[side]
            tokens = buckets.get(key)
            if tokens is None:
                buckets[key] = [token]
            else:
                tokens.append(token)
        else:
            joins.discard(side, token, key)
        partners = joins.tokens[1 - side].get(key)
        if not partners:
            return
        data = token.data
        children = self.children
        for held in partners:  # (no node below this one sends tokens back to it: the list stays as it is)
            merged = {**held.context, **context} if side else {**context, **held.context}
            new = _token(tag, data | held.data, merged)
            for child in children:
                child.callback(new)

    def _activate_left(self, token: Token) -> None:
        self._join(0, token)

    def _activate_right(self, token: Token) -> None:
        self._join(1, token)


class IndexedNotNode(_IndexedJoin, NotNode):
    """A NotNode that counts, for each left token, the right tokens with equal join-variable values."""

    joins: _NotMemories
    _memories = _NotMemories

    @staticmethod
    def _left_memory(entries: list[list[Any]]) -> Any:
        return {TokenInfo(e[0], e[1]): e[2] for e in entries}  # experta's NotNode: token → matching count

    def _activate_left(self, token: Token) -> None:
        joins = self.joins
        context = token.context
        if not joins.accepts(context, 0):
            self._fallback()
            super()._activate_left(token)
            return
        if not joins.settled and joins.sizes[1] is None:  # no right token yet: none to count
            joins.hold_left(token)
            for child in self.children:
                child.callback(token)
            return
        count = joins.count(0, context)
        if token.tag is Token.TagType.VALID:
            existing = joins.find(0, token.data, context)
            if existing is not None:
                existing[2] = count
            else:
                joins.add(0, [token.data, context, count])
        else:
            joins.remove(0, token.data, context)
        if count == 0:
            for child in self.children:
                child.callback(token)

    def _activate_right(self, token: Token) -> None:
        joins = self.joins
        context = token.context
        if not joins.accepts(context, 1):
            self._fallback()
            super()._activate_right(token)
            return
        if not joins.settled:
            joins.settle()
        if token.tag is Token.TagType.VALID:
            joins.add_right(token)
            step = 1
        else:
            if not joins.discard_right(token):
                return
            step = -1
        for entry in joins.partners(1, context):
            entry[2] += step
            if (step == 1 and entry[2] == 1) or (step == -1 and entry[2] == 0):
                tag = Token.TagType.INVALID if step == 1 else Token.TagType.VALID
                new = _token(tag, set(entry[0]), dict(entry[1]))
                for child in self.children:
                    child.callback(new)


class CheckEngine(KnowledgeEngine):  # type: ignore[misc]
    """experta's engine, whose ``declare`` makes its checks of each fact's fields more cheaply.

    experta refuses facts holding conditional elements or field names with ``__`` inside by walking
    every field of every fact (about 5% of a large run); the values our facts hold are mostly of
    types that cannot be conditional elements, and field names repeat: each name is checked once.
    The same facts are refused, with the same errors, in the same order of checks.
    """

    def declare(self, *facts: Fact) -> Any:
        if not self.facts:
            watchers.ENGINE.warning("Declaring fact before reset()")
        if any(_holds_elements(fact) for fact in facts):
            raise TypeError("Declared facts cannot contain conditional elements")
        if any(_nested_names(fact) for fact in facts):
            raise KeyError("Cannot declare facts containing double underscores as keys.")
        last = None
        for fact in facts:
            last = self.facts.declare(fact)
        if not self.running:
            added, removed = self.get_activations()
            self.strategy.update_agenda(self.agenda, added, removed)
        return last


_PLAIN_NAMES: set[Any] = set()
"""Field names known to hold no ``__`` inside (experta's ``has_nested_accessor``)."""


def _holds_elements(fact: Fact) -> bool:
    """experta's ``Fact.has_field_constraints``: values of the types in :data:`_AS_IS` are none."""
    return any(type(v) not in _AS_IS and isinstance(v, ConditionalElement) for v in dict.values(fact))


def _nested_names(fact: Fact) -> bool:
    """experta's ``Fact.has_nested_accessor``, each field name checked once per process."""
    plain = _PLAIN_NAMES
    for key in dict.keys(fact):
        if key not in plain:
            if "__" in str(key).strip("__"):
                return True
            if type(key) is str and len(plain) < 100_000:
                plain.add(key)
    return False


class KeyedFactList(FactList):  # type: ignore[misc]
    """experta's fact list, finding duplicates among the facts of one class and record key only.

    experta refuses a fact equal to one already declared by keeping, for every fact, a frozenset of
    all its fields (at 10,000 components: 40,000 facts, about 140 MiB, and a pass over every field
    of every fact). Facts of another class or another record key (:data:`FACT_KEY`) are never equal,
    so that comparison is made only among the facts that share both: the same facts are refused.
    """

    def __init__(self) -> None:
        super().__init__()
        self.keyed: dict[tuple[Any, Any], list[Fact]] = {}

    @classmethod
    def of(cls, facts: FactList) -> KeyedFactList:
        """A keyed fact list holding what ``facts`` (experta's, as its reset left it) holds."""
        keyed = cls()
        for index, fact in facts.items():
            keyed[index] = fact
            keyed.keyed.setdefault(_identity(fact), []).append(fact)
        keyed.last_index = facts.last_index
        keyed.added, keyed.removed, keyed.duplication = facts.added, facts.removed, facts.duplication
        return keyed

    def declare(self, fact: Fact) -> Fact | None:
        if not isinstance(fact, Fact):
            raise ValueError("The fact must descend the Fact class.")
        fact.validate()
        identity = _identity(fact)
        same = self.keyed.get(identity)
        if same is not None and not self.duplication:
            whole = self._get_fact_id(fact)
            if any(self._get_fact_id(other) == whole for other in same):
                return None
        fact.__factid__ = index = self.last_index
        self[index] = fact
        self.last_index += 1
        self.added.append(fact)
        if same is None:
            self.keyed[identity] = [fact]
        else:
            same.append(fact)
        return fact

    def retract(self, idx_or_fact: Any) -> int:
        index = idx_or_fact if isinstance(idx_or_fact, int) else idx_or_fact.__factid__
        if index not in self:
            raise IndexError("Fact not found.")
        fact = self[index]
        identity = _identity(fact)
        same = self.keyed[identity]
        same[:] = [other for other in same if other is not fact]
        if not same:
            del self.keyed[identity]
        self.removed.append(fact)
        del self[index]
        return int(index)


def _identity(fact: Fact) -> tuple[Any, Any]:
    return (type(fact), dict.get(fact, FACT_KEY))


class ExactRemovalStrategy(DepthStrategy):  # type: ignore[misc]
    """DepthStrategy whose removal finds the activation among every activation with the same key."""

    def get_key(self, activation: Any) -> tuple[Any, ...]:
        """Salience, then the newest fact first (as DepthStrategy), without its process-wide cache.

        experta caches this method with ``functools.lru_cache`` at class level, which kept the last
        128 activations, and through them the whole finished network, alive after a run.
        """
        return (activation.rule.salience, sorted((f["__factid__"] for f in activation.facts), reverse=True))

    def _update_agenda(self, agenda: Any, added: Any, removed: Any) -> None:
        activations = agenda.activations
        for act in removed:
            act.key = self.get_key(act)
            start = bisect.bisect_left(activations, act)
            end = bisect.bisect_right(activations, act)
            for index in range(start, min(end + 1, len(activations))):
                if activations[index] == act:
                    del activations[index]
                    break
        for act in sorted(added, key=_activation_order):  # a set: fix the order of equal keys
            act.key = self.get_key(act)
            bisect.insort(activations, act)


def _activation_order(act: Any) -> tuple[Any, ...]:
    name = getattr(getattr(act.rule, "_wrapped", None), "__name__", "")
    facts = sorted(f["__factid__"] for f in act.facts)
    context = sorted((k, _order_value(v)) for k, v in act.context.items() if isinstance(k, str))
    return (name, facts, context)


_AS_IS = frozenset({str, int, float, bool, type(None), tuple})
"""Types experta's ``freeze`` returns unchanged (the values a fact record holds)."""


def new_fact(cls: type[Fact], values: dict[str, Any]) -> Fact:
    """``cls(**values)`` without experta's per-field ``__setitem__`` (a property read, a dispatch).

    Values are frozen exactly as experta's constructor would: those of the types above stay as
    they are, anything else goes through ``freeze``.
    """
    fact = dict.__new__(cls)
    dict.update(fact, {k: v if type(v) in _AS_IS or _scalars(v) else freeze(v) for k, v in values.items()})
    fact._Fact__defaults = {}  # what Fact.__init__ sets besides the fields
    return fact


def _scalars(value: Any) -> bool:
    """A frozenset of ints or texts (a fact's pattern ids): ``freeze`` would rebuild an equal one."""
    return type(value) is frozenset and all(type(v) is int or type(v) is str for v in value)


def _order_value(value: Any) -> str:
    """A bound fact by its id (its repr spells out every field and cost 9% of a large run), else the repr."""
    if isinstance(value, Fact):
        return f"#{value['__factid__']}"
    return repr(value)


class IsolatedFeatureTesterNode(_NoCopy, FeatureTesterNode):
    """A FeatureTesterNode that binds variables into a new token, never the shared one.

    It can also hold a run of checks (``merge_chains`` folds single-child chains into one node),
    applied in order to the same fact, as the chain of nodes would.
    """

    checks: tuple[Any, ...] = ()
    compiled: tuple[Callable[[Any], Any], ...] = ()
    """The checks as plain functions (:func:`compile_check`), set by :func:`adjust_network`."""
    plan: tuple[tuple[type, ...], tuple[tuple[str, str], ...], str | None] | None = None
    """The checks as data when they are all of the common kinds (:func:`fast_plan`): fact types,
    (variable, field) bindings and the fact capture, applied inline by ``_activate``."""
    negated: bool = True
    """Whether a token may carry negated bindings (only when some check of the network negates a
    constraint); without them, ``_activate`` skips looking for them."""

    def _activate(self, token: Token) -> None:
        (fact,) = token.data
        context = token.context
        plan = self.plan
        if plan is not None:  # the same tests and bindings as the loop below, without a call per check
            types, binds, capture = plan
            for fact_type in types:
                if type(fact) != fact_type:
                    return
            if binds or capture is not None:
                inline = dict(context)
                negated = self.negated
                for name, what in binds:
                    value = dict.get(fact, what, _UNSET)
                    if value is _UNSET or (name in inline and inline[name] != value) or (
                            negated and inline.get((False, name), _UNSET) == value):
                        return
                    inline[name] = value
                if capture is not None:
                    if (capture in inline and inline[capture] != fact) or (
                            negated and inline.get((False, capture), _UNSET) == fact):
                        return
                    inline[capture] = fact
                token = _token(token.tag, token.data, inline)
            for child in self.children:
                child.callback(token)
            return
        bound: dict[Any, Any] | None = None
        for check in self.compiled or self.checks or (self.matcher,):
            match = check(fact)
            if match is True:
                continue
            if not match:
                return
            if type(match) is dict or isinstance(match, Mapping):
                for key, value in match.items():
                    if isinstance(key, tuple):  # a negated binding
                        if key[1] in context and context[key[1]] == value:
                            return
                    elif context.get(key, value) != value or context.get((False, key), _UNSET) == value:
                        return
                bound = {**(bound or context), **match}
                context = bound
        if bound is not None:
            token = _token(token.tag, token.data, bound)
        for child in self.children:
            child.callback(token)


def _always(fact: Any) -> bool:
    return True


def compile_check(check: Any, dispatched: bool = False) -> Callable[[Any], Any]:
    """The same test as experta's check object, as a function without its logging and path parsing.

    A pattern-membership check under a dispatch node always holds (the node only sends a fact to
    the patterns it belongs to). Checks of another shape are returned as they are.
    """
    if isinstance(check, TypeCheck):
        fact_type = check.fact_type
        return lambda fact: type(fact) == fact_type
    if isinstance(check, FactCapture):
        bind = check.bind
        return lambda fact: {bind: fact}
    if isinstance(check, FeatureCheck) and isinstance(check.what, str):
        what, function, expected = check.what, check.check, check.expected
        if "__" in what or what.isnumeric():
            return check  # dunder or nested paths, positional fields: experta's own parsing
        if dispatched and isinstance(getattr(check.how, "match", None), PatternMember):
            return _always

        def feature(fact: Any) -> Any:
            try:
                value = fact[what]
            except (IndexError, KeyError, TypeError):
                return False
            return function(value, expected)

        return feature
    return check


def fast_plan(checks: tuple[Any, ...], dispatched: bool) -> tuple[tuple[type, ...], tuple[tuple[str, str], ...], str | None] | None:
    """Fact types, (variable, field) bindings and capture of a run of checks, if every check is
    one of those (or a pattern membership under a dispatch node, which always holds); else None.

    A binding is a field wildcard bound to one or more variables (:func:`_bound_names`): it fails
    when the fact lacks the field (experta's ``fact[what]`` raises KeyError: our fact classes declare no defaults).
    """
    types: list[type] = []
    binds: list[tuple[str, str]] = []
    capture: str | None = None
    for check in checks:
        if isinstance(check, TypeCheck):
            types.append(check.fact_type)
        elif isinstance(check, FactCapture) and capture is None:
            capture = check.bind
        elif isinstance(check, FeatureCheck) and isinstance(check.what, str) and not ("__" in check.what or check.what.isnumeric()):
            how = check.how
            if dispatched and isinstance(getattr(how, "match", None), PatternMember):
                continue
            names = _bound_names(how)
            if names is None:
                return None
            binds.extend((name, check.what) for name in names)
        else:
            return None
    if capture is not None and any(name == capture for name, _ in binds):
        return None
    return tuple(types), tuple(binds), capture


def _bound_names(how: Any) -> list[str] | None:
    """The variables a field constraint binds the field to, if that is all it does: a wildcard bound
    to a variable (``MATCH.v_x``), or several at once (``W('h0_x') & W('v_x')``: experta's ``and_match``
    binds each, a field compared in a TEST and also bound); else None."""
    if type(how) is W:
        return [how.__bind__] if isinstance(how.__bind__, str) else None
    if type(how) is ANDFC and len(how) > 0 and all(type(part) is W and isinstance(part.__bind__, str) for part in how):
        return [part.__bind__ for part in how]
    return None


def _negates(check: Any) -> bool:
    """Whether a check can bind negated variables (a NOTFC anywhere in its constraint)."""
    if not isinstance(check, FeatureCheck):
        return not isinstance(check, (TypeCheck, FactCapture))
    stack = [check.how]
    while stack:
        how = stack.pop()
        if isinstance(how, NOTFC):
            return True
        if isinstance(how, (ANDFC, ORFC)):
            stack.extend(how)
    return False


def merge_chains(root: Any) -> None:
    """Fold each feature-test node whose only child is a feature-test node into that child's place."""
    for node in walk(root):
        if isinstance(node, IsolatedFeatureTesterNode):
            while len(node.children) == 1 and type(node.children[0].node) is IsolatedFeatureTesterNode:
                child = node.children[0].node
                node.checks = (*(node.checks or (node.matcher,)), *(child.checks or (child.matcher,)))
                node.children = child.children


class TrackedConflictSetNode(_NoCopy, ConflictSetNode):
    """A ConflictSetNode that tells the matcher when it holds new (de)activations."""

    tracker: list[Any]

    def _activate(self, token: Token) -> None:
        super()._activate(token)
        if not getattr(self, "_dirty", False):
            self._dirty = True
            self.tracker.append(self)


class QuickWhereNode(_NoCopy, WhereNode):
    """A WhereNode without the token copy."""


class MatchBudget:
    """How many matches (tokens a join builds) each rule, and all rules together, may make in one run.

    A rule whose patterns share no variable joins every fact with every other: five patterns over
    20 components make 3.2 million matches, and each one is kept in a memory. Every match a join
    node passes on is counted against the rule it belongs to; past a limit the run stops with an
    error naming the rule (``on_exceeded``), long before memory runs out.
    """

    def __init__(self, per_rule: int, total: int, on_exceeded: Callable[[str, int, bool], None]) -> None:
        self.per_rule = per_rule
        self.total = total
        self.on_exceeded = on_exceeded
        self.counts: dict[str, int] = {}
        self.spent = 0

    def reset(self) -> None:
        self.counts = {}
        self.spent = 0

    def counter(self, rule: str, callback: Callable[[Token], Any]) -> Callable[[Token], Any]:
        """``callback``, counting each valid token it receives against ``rule``."""
        budget = self

        def counted(token: Token) -> Any:
            if token.tag is _VALID:
                made = budget.counts.get(rule, 0) + 1
                budget.counts[rule] = made
                budget.spent += 1
                if made > budget.per_rule:
                    budget.on_exceeded(rule, made, False)
                elif budget.spent > budget.total:
                    budget.on_exceeded(rule, budget.spent, True)
            return callback(token)

        return counted


_VALID = Token.TagType.VALID
_SWITCH = {ConflictSetNode: TrackedConflictSetNode, WhereNode: QuickWhereNode}
_INDEXED = {OrdinaryMatchNode: IndexedMatchNode, NotNode: IndexedNotNode}


def adjust_network(matcher: Any, *, indexed: bool = True, budget: MatchBudget | None = None) -> None:
    """Adjust the network of a DispatchingReteMatcher after experta built it.

    Plain feature tests become isolated ones, conflict-set and test nodes skip the token copy, join
    nodes become indexed ones (if ``indexed``), chains of feature tests are folded, and every
    stored callback is bound again so that it reaches the new classes. With a ``budget``, what each
    join node passes on is counted against its rule (:class:`MatchBudget`). The chains below each
    pattern run inline in their dispatch node (:func:`flatten`).
    """
    root = matcher.root_node
    matcher.__dict__.pop("_nodes", None)
    nodes = walk(root)
    for node in nodes:
        kind = type(node)
        if kind is FeatureTesterNode:
            node.__class__ = IsolatedFeatureTesterNode
        elif kind in _SWITCH:
            node.__class__ = _SWITCH[kind]
            if kind is ConflictSetNode:
                node.tracker = matcher.dirty
        elif indexed and kind in _INDEXED and isinstance(getattr(node, "matcher", None), SameContextCheck):
            node.__class__ = _INDEXED[kind]
    merge_chains(root)
    for node in nodes:
        if isinstance(node, PatternDispatchNode):
            for child in node.children:
                child.node.dispatched = True
    for node in nodes:
        if isinstance(node, IsolatedFeatureTesterNode):
            dispatched = getattr(node, "dispatched", False)
            node.compiled = tuple(compile_check(check, dispatched) for check in node.checks or (node.matcher,))
            node.plan = fast_plan(node.checks or (node.matcher,), dispatched)
    negated = any(_negates(check) for node in nodes if isinstance(node, IsolatedFeatureTesterNode)
                  for check in node.checks or (node.matcher,))
    for node in nodes:
        if isinstance(node, IsolatedFeatureTesterNode):
            node.negated = negated
    owners = _rules_below(nodes) if budget is not None else {}
    for node in nodes:
        node.children[:] = [_rebound(c) for c in node.children]
        if budget is not None and isinstance(node, OrdinaryMatchNode) and owners.get(id(node)):
            rule = owners[id(node)][0]
            node.children[:] = [ChildNode(c.node, budget.counter(rule, c.callback)) for c in node.children]
        if isinstance(node, PatternDispatchNode):
            for pattern_id, children in node.by_pattern.items():
                node.by_pattern[pattern_id] = [_rebound(c) for c in children]
    for node in nodes:
        if isinstance(node, PatternDispatchNode):
            flatten(node, negated)
    dispatch_types(root)
    matcher.__dict__.pop("_nodes", None)


_DIRECT = {"activate": "_activate", "activate_left": "_activate_left", "activate_right": "_activate_right"}


def _rebound(child: Any) -> Any:
    """The child with its callback bound again (to its node's new class); for our node classes,
    straight to the method that does the work (``activate`` only forwards to it, see _NoCopy)."""
    name = getattr(child.callback, "__name__", None)
    if name is None:  # already bound to a side of a join (a list of children shared by a folded chain)
        return child
    if isinstance(child.node, _NoCopy):
        name = _DIRECT.get(name, name)
    if type(child.node) is IndexedMatchNode and name in _SIDES:
        return ChildNode(child.node, functools.partial(child.node._join, _SIDES[name]))
    return ChildNode(child.node, getattr(child.node, name))


_SIDES = {"_activate_left": 0, "_activate_right": 1}


def _rules_below(nodes: list[Any]) -> dict[int, list[str]]:
    """Per node (by id): the ids of the rules whose conflict-set nodes lie below it (sorted).

    experta builds each rule's joins apart, so below a join node there is one rule.
    """
    below: dict[int, set[str]] = {}
    for start in nodes:
        if not isinstance(start, OrdinaryMatchNode):
            continue  # below a join there are only its rule's nodes: the shared alpha part is never walked
        stack: list[tuple[Any, bool]] = [(start, False)]
        while stack:  # post-order: a node's rules once its children's are known
            node, ready = stack.pop()
            if id(node) in below:
                continue
            if not ready:
                stack.append((node, True))
                stack.extend((child.node, False) for child in node.children if id(child.node) not in below)
                continue
            found: set[str] = set()
            if isinstance(node, ConflictSetNode):
                found.add(str(getattr(getattr(node.rule, "_wrapped", None), "__name__", "") or node.rule))
            for child in node.children:
                found |= below.get(id(child.node), set())
            below[id(node)] = found
    return {key: sorted(names) for key, names in below.items() if names}


class PatternDispatchNode(_NoCopy, OneInputNode):  # type: ignore[misc]
    """Sends a fact's token only to the chains of the patterns listed in its ``_p`` field.

    Under each fact type, every pattern's chain starts with a membership check on ``_p``; instead
    of trying every chain, this node looks the fact's pattern ids up.
    """

    programs: dict[int, list[Step] | None] | None = None
    """Per pattern id, the chains below it as :data:`Step`s (:func:`flatten`), or None for a pattern
    whose chains are not all of the inline kind; None for all: not flattened."""

    def __init__(self, field: str) -> None:
        self.field = field
        self.by_pattern: dict[int, list[Any]] = {}
        self.plans = {}
        super().__init__()

    def add_child(self, node: Any, callback: Any) -> None:
        """Register a membership-check node under its pattern id."""
        child = ChildNode(node, callback)
        self.children.append(child)
        self.by_pattern.setdefault(node.matcher.how.match.pattern_id, []).append(child)

    def _reset(self) -> None:
        pass

    def _activate(self, token: Token) -> None:
        (fact,) = token.data
        programs = self.programs
        if programs is None:
            for pattern_id in sorted(fact.get(self.field, ())):
                for child in self.by_pattern.get(pattern_id, ()):
                    child.callback(token)
            return
        pattern_ids = fact.get(self.field, ())
        plan = self.plans.get(pattern_ids)
        if plan is None:
            plan = self._plan(pattern_ids)
        tag, data, context = token.tag, token.data, token.context
        made: list[Token | None] = []  # the token of each distinct chain so far (None: the fact failed it)
        for types, binds, capture, callbacks, same in plan:
            if same >= 0:  # the same checks as an earlier chain's: the same token
                new = made[same]
                if new is None:
                    continue
            elif same == _PASS:
                new = token
            else:  # the chain's checks inline (IsolatedFeatureTesterNode's)
                new = None
                if not types or not any(type(fact) != fact_type for fact_type in types):
                    inline = dict(context)
                    for name, what in binds:
                        value = dict.get(fact, what, _UNSET)
                        if value is _UNSET or (name in inline and inline[name] != value):
                            break
                        inline[name] = value
                    else:
                        if capture is None or capture not in inline or not inline[capture] != fact:
                            if capture is not None:
                                inline[capture] = fact
                            new = _token(tag, data, inline)
                made.append(new)
                if new is None:
                    continue
            for callback in callbacks:
                callback(new)

    plans: dict[Any, tuple[PlanStep, ...]]

    def _plan(self, pattern_ids: Any) -> tuple[PlanStep, ...]:
        """The chains a fact of these pattern ids runs, in order (pattern id, then chain): a chain
        whose checks (types, bindings, capture) an earlier one has refers to it (its index among the
        distinct chains), a pattern whose chains are not folded passes the token on (:data:`_PASS`).
        Facts of one set of patterns share the plan (kept per set, for the network's life)."""
        programs = self.programs or {}
        plan: list[PlanStep] = []
        distinct: dict[tuple[Any, ...], int] = {}
        for pattern_id in sorted(pattern_ids):
            steps = programs.get(pattern_id, ())
            if steps is None:
                plan.append(((), (), None, tuple(child.callback for child in self.by_pattern[pattern_id]), _PASS))
                continue
            for types, binds, capture, callbacks in steps:
                checks = (types, binds, capture)
                if checks in distinct:
                    plan.append((types, binds, capture, callbacks, distinct[checks]))
                else:
                    distinct[checks] = len(distinct)
                    plan.append((types, binds, capture, callbacks, _FIRST))
        if len(self.plans) >= MAX_PLANS:
            self.plans.clear()
        made = self.plans[pattern_ids] = tuple(plan)
        return made


MAX_PLANS = 10_000
"""Plans a dispatch node keeps (one per set of pattern ids its facts carried)."""
_FIRST, _PASS = -1, -2
PlanStep = tuple[tuple[type, ...], tuple[tuple[str, str], ...], "str | None", tuple[Callable[[Token], Any], ...], int]
"""A :data:`Step` in a dispatch node's plan for one set of pattern ids, and where its token comes
from: an earlier step's index among the distinct ones, :data:`_FIRST` (its own checks) or :data:`_PASS`."""


class TypeDispatchNode(_NoCopy, OneInputNode):  # type: ignore[misc]
    """Sends a fact's token only to the root's children that test its type.

    experta's root hands every fact to the first node of every fact type, each of which checks the
    type and stops: one call per fact type per fact. Children that are exactly such a type check are
    looked up by the fact's type; any other child receives every fact, in the original order.
    """

    def __init__(self, children: list[Any]) -> None:
        super().__init__()
        self.children = list(children)
        self.by_type: dict[type, list[Callable[[Token], Any]]] = {}
        self.always: list[Callable[[Token], Any]] = []
        typed = {}
        for child in self.children:
            plan = getattr(child.node, "plan", None)
            if type(child.node) is IsolatedFeatureTesterNode and plan is not None and len(plan[0]) == 1:
                typed[id(child)] = plan[0][0]
        for fact_type in dict.fromkeys(typed.values()):
            self.by_type[fact_type] = [child.callback for child in self.children
                                       if typed.get(id(child), fact_type) is fact_type]
        self.always = [child.callback for child in self.children if id(child) not in typed]

    def add_child(self, node: Any, callback: Any) -> None:  # pragma: no cover - built complete
        raise TypeError("a type dispatch node is built with its children")

    def _reset(self) -> None:
        pass

    def _activate(self, token: Token) -> None:
        (fact,) = token.data
        for callback in self.by_type.get(type(fact), self.always):
            callback(token)


def dispatch_types(root: Any) -> None:
    """Put a :class:`TypeDispatchNode` between experta's root and its children."""
    if len(root.children) > 1:
        node = TypeDispatchNode(root.children)
        root.children = [ChildNode(node, node._activate)]


Step = tuple[tuple[type, ...], tuple[tuple[str, str], ...], "str | None", tuple[Callable[[Token], Any], ...]]
"""One chain of feature tests below a pattern, folded: the fact types it requires, its (variable,
field) bindings and fact capture, and the callbacks of the nodes that receive its token."""


def flatten(dispatch: PatternDispatchNode, negated: bool) -> None:
    """Fold the feature-test chains below each pattern of a dispatch node into :data:`Step`s.

    Below a pattern, each chain applies its checks to the same fact in turn and hands a token with
    the variables bound so far to the next node; folded, each chain's checks run inline in the
    dispatch node, in the order the chains would have run, and the nodes after the chain (joins,
    conflict sets) receive the same tokens. A pattern whose chains include a check of another kind
    keeps its nodes, as do all of them while the network negates constraints.
    """
    dispatch.plans = {}
    if negated:
        dispatch.programs = None
        return
    programs: dict[int, list[Step] | None] = {}
    for pattern_id, children in dispatch.by_pattern.items():
        steps: list[Step] = []
        if all(_fold_chain(child.node, (), (), None, steps) for child in children):
            programs[pattern_id] = steps
        else:
            programs[pattern_id] = None
    dispatch.programs = programs


def _fold_chain(node: Any, types: tuple[type, ...], binds: tuple[tuple[str, str], ...], capture: str | None,
                steps: list[Step]) -> bool:
    if type(node) is not IsolatedFeatureTesterNode or node.plan is None:
        return False
    more_types, more_binds, more_capture = node.plan
    if more_capture is not None:
        if capture is not None:
            return False
        capture = more_capture
    types, binds = types + more_types, binds + more_binds
    callbacks: list[Callable[[Token], Any]] = []
    for child in node.children:
        if type(child.node) is IsolatedFeatureTesterNode:
            if callbacks:
                steps.append((types, binds, capture, tuple(callbacks)))
                callbacks = []
            if not _fold_chain(child.node, types, binds, capture, steps):
                return False
        else:
            callbacks.append(child.callback)
    if callbacks:
        steps.append((types, binds, capture, tuple(callbacks)))
    return True


class DispatchingReteMatcher(ReteMatcher):  # type: ignore[misc]
    """experta's Rete matcher with its alpha network built in a fixed order and dispatched by pattern.

    Checks of a pattern are ordered: the fact type, then the pattern-membership check (under a
    dispatch node), then the bindings, then the capture. Rules are visited in name order, so the
    network, and with it the order of activations, is the same in every run. Only the conflict-set
    nodes that changed are asked for their activations (experta asks all of them at every step).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.dirty: list[Any] = []
        super().__init__(*args, **kwargs)

    def changes(self, adding: Any = None, deleting: Any = None) -> tuple[list[Any], list[Any]]:
        for fact in deleting or ():
            self.root_node.remove(fact)
        for fact in adding or ():
            self.root_node.add(fact)
        added: list[Any] = []
        removed: list[Any] = []
        dirty, self.dirty[:] = list(self.dirty), []
        for node in dirty:
            node._dirty = False
            new, gone = node.get_activations()
            added.extend(new)
            removed.extend(gone)
        return added, removed

    @staticmethod
    def prepare_ruleset(engine: Any) -> set[Any]:
        """experta's rule preparation (normal form), except for rules :func:`prepared_rule` made:
        those are already in that form and are only copied (unbound from the engine class)."""
        return {rule.new_conditions(*rule) if getattr(rule, "prepared", False) else prepare_rule(rule)
                for rule in engine.get_rules()}

    def nodes(self) -> list[Any]:
        """Every node of the network once (found once per matcher)."""
        found: list[Any] | None = self.__dict__.get("_nodes")
        if found is None:
            found = self.__dict__["_nodes"] = walk(self.root_node)
        return found

    def reset(self) -> None:
        """experta's reset (every node's memory emptied), each node once: experta resets a node once
        per path from the root, and logs each."""
        for node in self.nodes():
            node._reset()

    def _get_conflict_set_nodes(self) -> list[Any]:
        """The conflict-set nodes, found once per matcher (experta caches them process-wide)."""
        nodes: list[Any] | None = self.__dict__.get("_conflict_set_nodes")
        if nodes is None:
            nodes = [node for node in walk(self.root_node) if isinstance(node, ConflictSetNode)]
            self.__dict__["_conflict_set_nodes"] = nodes
        return nodes

    @staticmethod
    def build_alpha_part(ruleset: Any, root_node: Any) -> dict[Any, Any]:
        rules = sorted([*ruleset, Rule(InitialFact())], key=_rule_name)
        terminals: dict[Any, Any] = {}
        for rule in rules:
            for fact in extract_facts(rule):
                node = root_node
                for check in sorted(set(generate_checks(fact)), key=_check_order):
                    node = _child_for(node, check)
                terminals[fact] = node
        return terminals


    @staticmethod
    def build_beta_part(ruleset: Any, alpha_terminals: Any) -> None:
        ReteMatcher.build_beta_part(sorted(ruleset, key=_rule_name), alpha_terminals)


def walk(root: Any) -> list[Any]:
    """Every node under ``root`` once, depth first in child order."""
    found: list[Any] = []
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        found.append(node)
        stack.extend(reversed([child.node for child in node.children]))
    return found


def empty(engine: Any) -> None:
    """Empty a finished engine's memories, agenda and fact list, keeping its network for another run
    (freed as :func:`release` frees them)."""
    engine.matcher.reset()
    engine.agenda = type(engine.agenda)()
    engine.facts = type(engine.facts)()


def release(engine: Any) -> None:
    """Empty a finished engine's memories, agenda and fact list.

    The network's nodes refer to each other, so without the cyclic collector (the command line
    runs without it) its tokens would stay until the process ends, and with it (the library) they
    would wait for a full collection. Emptied and unlinked here, memories and nodes are freed by
    reference counting as soon as the run is over, before findings and reports are built.
    """
    for node in walk(engine.matcher.root_node):
        node._reset()
        node.children = []
        if isinstance(node, PatternDispatchNode):
            node.by_pattern = {}
            node.plans = {}
    engine.matcher.root_node = None
    engine.matcher.dirty = []
    engine.matcher.__dict__.pop("_conflict_set_nodes", None)
    engine.matcher.__dict__.pop("_nodes", None)
    engine.agenda = type(engine.agenda)()
    engine.facts = type(engine.facts)()


def _rule_name(rule: Any) -> str:
    return str(getattr(getattr(rule, "_wrapped", None), "__name__", ""))


def _check_order(check: Any) -> tuple[int, str]:
    if isinstance(check, TypeCheck):
        return (0, "")
    if isinstance(check, FeatureCheck) and isinstance(getattr(check.how, "match", None), PatternMember):
        return (1, "")
    if isinstance(check, FactCapture):
        return (3, str(check.bind))
    return (2, f"{check.what}|{check.how!r}")


def _child_for(node: Any, check: Any) -> Any:
    is_member = isinstance(check, FeatureCheck) and isinstance(getattr(check.how, "match", None), PatternMember)
    if is_member and not isinstance(node, PatternDispatchNode):
        dispatch = next((c.node for c in node.children if isinstance(c.node, PatternDispatchNode)), None)
        if dispatch is None:
            dispatch = PatternDispatchNode(check.what)
            node.add_child(dispatch, dispatch.activate)
        node = dispatch
    for child in node.children:
        if getattr(child.node, "matcher", None) is check:
            return child.node
    new = IsolatedFeatureTesterNode(check)
    node.add_child(new, new.activate)
    return new


def prepared_form(conditions: list[Any], salience: int) -> Any:
    """The conditions of a rule as experta's matcher prepares them (disjunctive normal form, an
    initial fact before a leading ``not``): most of the cost of building a network, and the same
    for every network built from the same compiled conditions, so the caller keeps it."""
    return prepare_rule(Rule(*conditions, salience=salience))


def prepared_rule(form: Any, action: Callable[..., None]) -> Any:
    """A rule with an already prepared form (see :func:`prepared_form`) and its action."""
    rule = Rule(*form, salience=form.salience)(action)
    rule.prepared = True
    return rule


def experta_version() -> str:
    """The version of experta the network is built by (part of the compiled rules' cache key)."""
    import experta

    return str(getattr(experta, "__version__", "?"))


def reduce_for_cache(obj: Any) -> Any:
    """How the rule cache pickles prepared rules (a pickler's ``reducer_override``).

    experta's conditional elements are tuples whose constructors take other arguments than their
    items, and its facts are dicts whose ``__setitem__`` freezes values: both are stored as their
    items and attributes and rebuilt as they were (:func:`_element`, :func:`_fact`). A fact class
    made by :func:`~scalexpert.engine.compile.fact_class` is stored as its fact type's name and made
    again when read (one class per name and entry: pickle keeps one object per object it wrote).
    Anything else pickles as usual.
    """
    if isinstance(obj, type):
        name = obj.__dict__.get(FACT_TYPE_ATTRIBUTE)
        return (fact_class, (name,)) if isinstance(name, str) else NotImplemented
    if isinstance(obj, ConditionalElement):
        return (_element, (type(obj), tuple(obj), dict(obj.__dict__)))
    if isinstance(obj, Fact):
        return (_fact, (type(obj), dict(obj), dict(obj.__dict__)))
    return NotImplemented


def _element(kind: type, items: tuple[Any, ...], attributes: dict[str, Any]) -> Any:
    element: Any = tuple.__new__(kind, items)
    element.__dict__.update(attributes)
    return element


def _fact(kind: type, items: dict[Any, Any], attributes: dict[str, Any]) -> Any:
    fact: Any = dict.__new__(kind)
    dict.update(fact, items)
    fact.__dict__.update(attributes)
    return fact
