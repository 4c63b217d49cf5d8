"""The rule engine: the only package that imports experta.

* ``_compat``: imports experta on Python 3.10+ (and leaves the root logger alone);
* ``compile``: checked rule conditions (:mod:`scalexpert.language`) → experta rules;
* ``rete``: adjustments to experta's Rete network and agenda (exact retraction, isolation,
  indexed joins, shared literal tests);
* ``run``: one engine per check, recording every activation with the facts it matched;
* ``explain``: activations → findings with proof trees and what-if changes;
* ``partial``: re-running only the rules a change of facts can affect (the assessment's re-runs).
"""

from __future__ import annotations

from .run import Activation, EngineResult, RuleSession, keys_are_unique, run_rules
from .explain import build_findings, finding_keys, sort_key
from .partial import PartialRerun

__all__ = ["Activation", "EngineResult", "PartialRerun", "RuleSession", "build_findings", "finding_keys", "keys_are_unique", "run_rules",
           "sort_key"]
