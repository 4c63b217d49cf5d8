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
from collections.abc import Mapping
from typing import Any

from . import _compat  # noqa: F401  (experta is imported through the shim first)
from experta.fact import InitialFact  # noqa: E402
from experta.matchers.rete import ReteMatcher  # noqa: E402
from experta.matchers.rete.abstract import OneInputNode  # noqa: E402
from experta.matchers.rete.check import FactCapture, FeatureCheck, SameContextCheck, TypeCheck  # noqa: E402
from experta.matchers.rete.mixins import ChildNode  # noqa: E402
from experta.matchers.rete.nodes import FeatureTesterNode, NotNode, OrdinaryMatchNode  # noqa: E402
from experta.matchers.rete.token import Token  # noqa: E402
from experta.matchers.rete.utils import extract_facts, generate_checks  # noqa: E402
from experta.rule import Rule  # noqa: E402
from experta.strategies import DepthStrategy  # noqa: E402

from .language.compile import PatternMember  # noqa: E402

_UNSET: Any = object()


def _keys(context: Any) -> frozenset[Any] | None:
    keys = frozenset(context.keys())
    return None if any(not isinstance(k, str) for k in keys) else keys


class _Index:
    """Tokens of one side of a node, bucketed by the values of the join variables."""

    def __init__(self) -> None:
        self.keys: frozenset[Any] | None = _UNSET
        self.buckets: dict[tuple[Any, ...], list[tuple[Any, dict[str, Any]]]] = {}
        self.items: list[tuple[Any, dict[str, Any]]] = []

    def observe(self, context: Any) -> bool:
        """Record the variables a token binds; False when the side is not uniform."""
        keys = _keys(context)
        if self.keys is _UNSET:
            self.keys = keys
        return keys is not None and keys == self.keys


class _JoinIndex:
    """Both sides of a node and the variables they share."""

    def __init__(self) -> None:
        self.left = _Index()
        self.right = _Index()
        self.shared: tuple[str, ...] | None = None
        self.disabled = False

    def usable(self, context: Any, left: bool) -> bool:
        side = self.left if left else self.right
        if self.disabled or not side.observe(context):
            self.disabled = True
            return False
        if self.shared is None and self.left.keys is not _UNSET and self.right.keys is not _UNSET:
            self.shared = tuple(sorted((self.left.keys or frozenset()) & (self.right.keys or frozenset())))
            for index in (self.left, self.right):
                index.buckets = {}
                for item in index.items:
                    index.buckets.setdefault(self.key(item[1]), []).append(item)
        return True

    def key(self, context: Any) -> tuple[Any, ...]:
        return tuple(context[k] for k in self.shared or ())

    def add(self, left: bool, info: Any, context: dict[str, Any]) -> None:
        index = self.left if left else self.right
        item = (info, context)
        index.items.append(item)
        if self.shared is not None:
            index.buckets.setdefault(self.key(context), []).append(item)

    def remove(self, left: bool, info: Any) -> None:
        index = self.left if left else self.right
        for position, item in enumerate(index.items):
            if item[0] == info:
                del index.items[position]
                if self.shared is not None:
                    bucket = index.buckets.get(self.key(item[1]), [])
                    for i, other in enumerate(bucket):
                        if other[0] == info:
                            del bucket[i]
                            break
                return

    def candidates(self, left: bool, context: Any) -> list[tuple[Any, dict[str, Any]]]:
        """Stored tokens of the other side that may match a token from ``left`` (or right)."""
        other = self.right if left else self.left
        if self.shared is None:
            return other.items
        return other.buckets.get(self.key(context), [])


class IndexedMatchNode(OrdinaryMatchNode):
    """An OrdinaryMatchNode that only compares tokens with equal join-variable values."""

    def _reset(self) -> None:
        super()._reset()
        self.join = _JoinIndex()

    def _activate(self, token: Token, left: bool) -> None:
        if not self.join.usable(token.context, left):
            if left:
                super()._activate_left(token)
            else:
                super()._activate_right(token)
            return
        info = token.to_info()
        memory = self.left_memory if left else self.right_memory
        if token.is_valid():
            memory.append(info)
            self.join.add(left, info, dict(token.context))
        else:
            if info in memory:
                memory.remove(info)
            self.join.remove(left, info)
        for other_info, other_context in list(self.join.candidates(left, token.context)):
            pair = (token.context, other_context) if left else (other_context, token.context)
            if not self.matcher(*pair):
                continue
            context = {k: v for k, v in token.context.items() if isinstance(k, str)}
            context.update({k: v for k, v in other_context.items() if isinstance(k, str)})
            new = Token(token.tag, token.data | other_info.data, context)
            for child in self.children:
                child.callback(new)

    def _activate_left(self, token: Token) -> None:
        self._activate(token, True)

    def _activate_right(self, token: Token) -> None:
        self._activate(token, False)


class IndexedNotNode(NotNode):
    """A NotNode that counts only the right-hand tokens with equal join-variable values."""

    def _reset(self) -> None:
        super()._reset()
        self.join = _JoinIndex()

    def _activate_left(self, token: Token) -> None:
        if self.join.disabled or not self.join.usable(token.context, True):
            super()._activate_left(token)
            return
        info = token.to_info()
        count = sum(1 for _, ctx in self.join.candidates(True, token.context) if self.matcher(token.context, ctx))
        if token.is_valid():
            if info in self.left_memory:
                self.join.remove(True, info)
            self.left_memory[info] = count
            self.join.add(True, info, dict(token.context))
        else:
            self.left_memory.pop(info, None)
            self.join.remove(True, info)
        if count == 0:
            for child in self.children:
                child.callback(token)

    def _activate_right(self, token: Token) -> None:
        if self.join.disabled or not self.join.usable(token.context, False):
            super()._activate_right(token)
            return
        info = token.to_info()
        if token.is_valid():
            self.right_memory.append(info)
            self.join.add(False, info, dict(token.context))
            step = 1
        else:
            if info in self.right_memory:
                self.right_memory.remove(info)
            self.join.remove(False, info)
            step = -1
        for left_info, left_context in list(self.join.candidates(False, token.context)):
            if left_info not in self.left_memory or not self.matcher(left_context, token.context):
                continue
            self.left_memory[left_info] += step
            count = self.left_memory[left_info]
            if (step == 1 and count == 1) or (step == -1 and count == 0):
                new = left_info.to_invalid_token() if step == 1 else left_info.to_valid_token()
                for child in self.children:
                    child.callback(new)


class ExactRemovalStrategy(DepthStrategy):  # type: ignore[misc]
    """DepthStrategy whose removal finds the activation among every activation with the same key."""

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
    context = sorted((k, repr(v)) for k, v in act.context.items() if isinstance(k, str))
    return (name, facts, context)


class IsolatedFeatureTesterNode(FeatureTesterNode):
    """A FeatureTesterNode that binds variables into a copy of the token, never the shared one."""

    def _activate(self, token: Token) -> None:
        (fact,) = token.data
        match = self.matcher(fact)
        if not match:
            return
        if isinstance(match, Mapping):
            context = token.context
            for key, value in match.items():
                if isinstance(key, tuple):  # a negated binding
                    if key[1] in context and context[key[1]] == value:
                        return
                elif context.get(key, value) != value or context.get((False, key), _UNSET) == value:
                    return
            token = Token(token.tag, token.data, {**context, **match})
        for child in self.children:
            child.callback(token)


def adjust_network(root: Any, *, indexed: bool = True) -> int:
    """Isolate the feature tests below ``root`` and, if ``indexed``, index its joins; return how many nodes changed."""
    switched = 0
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        matcher = getattr(node, "matcher", None)
        if type(node) is FeatureTesterNode:
            node.__class__ = IsolatedFeatureTesterNode
            switched += 1
        elif indexed and isinstance(matcher, SameContextCheck):
            if type(node) is OrdinaryMatchNode:
                node.__class__ = IndexedMatchNode
                switched += 1
            elif type(node) is NotNode:
                node.__class__ = IndexedNotNode
                switched += 1
        stack.extend(child.node for child in node.children)
    return switched


class PatternDispatchNode(OneInputNode):  # type: ignore[misc]
    """Sends a fact's token only to the chains of the patterns listed in its ``_p`` field.

    Under each fact type, every pattern's chain starts with a membership check on ``_p``; instead
    of trying every chain, this node looks the fact's pattern ids up.
    """

    def __init__(self, field: str) -> None:
        self.field = field
        self.by_pattern: dict[int, list[Any]] = {}
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
        for pattern_id in sorted(fact.get(self.field, ())):
            for child in self.by_pattern.get(pattern_id, ()):
                child.callback(token)


class DispatchingReteMatcher(ReteMatcher):  # type: ignore[misc]
    """experta's Rete matcher with its alpha network built in a fixed order and dispatched by pattern.

    Checks of a pattern are ordered: the fact type, then the pattern-membership check (under a
    dispatch node), then the bindings, then the capture. Rules are visited in name order, so the
    network, and with it the order of activations, is the same in every run.
    """

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
