"""The operators of the rule language: a fixed table of Python functions.

Nothing from a rule file is evaluated as code; an operator name in a rule selects one of these.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fnmatch import fnmatchcase
from typing import Any


def _num(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isnan(value)


OPERATIONS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda v, x: (type(v) is type(x) or _num(v) and _num(x)) and v == x,
    "ne": lambda v, x: not ((type(v) is type(x) or _num(v) and _num(x)) and v == x),
    "lt": lambda v, x: _num(v) and v < x,
    "le": lambda v, x: _num(v) and v <= x,
    "gt": lambda v, x: _num(v) and v > x,
    "ge": lambda v, x: _num(v) and v >= x,
    "in": lambda v, x: v in x,
    "not_in": lambda v, x: v not in x,
    "contains": lambda v, x: isinstance(v, tuple) and x in v,
    "matches": lambda v, x: isinstance(v, str) and fnmatchcase(v, x),
}


def holds(op: str, value: Any, operand: Any) -> bool:
    """Whether ``value op operand`` holds (False for values of the wrong type)."""
    try:
        return bool(OPERATIONS[op](value, operand))
    except TypeError:
        return False
