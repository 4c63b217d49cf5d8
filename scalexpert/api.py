"""The library entry point: ``check(source) -> Report``."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .analysis.capacity.records import CapacityReport
from .analysis.graph import GraphAnalysis, analyse_graph
from .config import Config
from .engine import PartialRerun, RuleSession, build_findings, finding_keys, keys_are_unique, run_rules, sort_key
from .errors import BudgetError, ConfigError, Diagnostic, InputError, RuleError, UsageError
from .facts.build import build_facts
from .findings import ArchitectureSummary, Assumption, Catalogue, Change, Location, Report, RuleInfo, RuleReference
from .language.ruleset import CompiledRule, RuleSet, load_ruleset
from .loader import Limits, LoadedArchitecture, Position, SourceMap, load_file, load_text, merge, validate
from .loader.load import path_problem
from .loader.yamlsource import read_bounded, shown
from .model import Architecture
from .model.reads import Reads, changed_paths, recording_paths
from .progress import phase
from .review.suppressions import CATEGORY as SUPPRESSION_CATEGORY
from .review.suppressions import META_RULES, MetaRule, apply_suppressions
from .version import __version__

Source = "str | os.PathLike[str] | Architecture | LoadedArchitecture"


def load(
    source: str | os.PathLike[str] | Architecture | LoadedArchitecture | Sequence[str], limits: Limits = Limits(),
    *, filename: str | None = None,
) -> LoadedArchitecture:
    """Load a path, YAML text or model into a LoadedArchitecture (reading bounded by ``limits``).

    ``filename`` names YAML text or a model in reports and error messages (default ``<text>`` or
    ``<model>``); a path names itself.
    """
    if isinstance(source, LoadedArchitecture):
        return source
    if isinstance(source, Architecture):
        name = filename or "<model>"
        return LoadedArchitecture(model=source, source=SourceMap(name), file=name)
    if isinstance(source, os.PathLike):
        return _load_path(os.fspath(source), limits)
    if isinstance(source, str):
        if _is_yaml_text(source):
            return load_text(source, file=filename or "<text>", limits=limits)
        return _load_path(source, limits)
    if isinstance(source, (list, tuple)) and source and all(isinstance(s, (str, os.PathLike)) for s in source):
        return _load_path([os.fspath(s) for s in source], limits)
    raise UsageError(f"cannot check a {type(source).__name__}: give a path, YAML text or an Architecture")


_KEY_VALUE = re.compile(r":\s")


def _is_yaml_text(source: str) -> bool:
    """YAML text has a newline or a ``key: value`` colon, and is not the name of an existing file."""
    if "\n" not in source and not _KEY_VALUE.search(source):
        return False
    try:
        return not (len(source) < 4096 and os.path.exists(source))
    except (OSError, ValueError):  # e.g. a NUL byte: not a usable path
        return True


_DEPLOYMENT_KEYS = re.compile(rb"^(services|apiVersion|kind)\s*:", re.MULTILINE)
_ARCHITECTURE_KEYS = re.compile(rb"^(components|extends)\s*:", re.MULTILINE)


def _head(path: str, limits: Limits) -> bytes | None:
    """The file's first bytes (at most the size limit), or None when it cannot be read as a plain file."""
    if not os.path.isfile(path):
        return None  # devices, pipes, directories: the loader refuses them with its own message
    try:
        with open(path, "rb") as handle:
            return read_bounded(handle, limits.max_bytes - 1)
    except OSError:
        return None


def _looks_like_architecture(path: str, limits: Limits) -> bool:
    """A cheap first look: an architecture file has a top-level ``components`` or ``extends`` and no
    ``services`` or ``apiVersion`` (it is then loaded, and its own errors reported, as an architecture)."""
    head = _head(path, limits)
    if head is None:
        return True  # let the loader report the problem
    return _ARCHITECTURE_KEYS.search(head) is not None and _DEPLOYMENT_KEYS.search(head) is None


def _load_path(path: str | Sequence[str], limits: Limits = Limits()) -> LoadedArchitecture:
    """An architecture file, or source files (Compose, Kubernetes...) imported on the fly.

    Several paths are imported together, as ``scalexpert import`` does (a Compose base file and its
    override merge). Positions of an import point at the source files' lines, never at the lines of
    the generated architecture.
    """
    paths = [path] if isinstance(path, str) else list(path)
    if len(paths) == 1 and paths[0] != "-":
        from .loader.markdown import is_markdown, load_blocks

        if is_markdown(paths[0]) and os.path.isfile(paths[0]):
            found = load_blocks(paths[0], limits)
            if len(found) > 1:
                raise UsageError(f"{paths[0]} holds {len(found)} ```scalexpert blocks; check each with "
                                 "scalexpert.loader.markdown.load_blocks(), or run `scalexpert check` on the file")
            return found[0]
    gathered = None
    if len(paths) == 1 and paths[0] != "-":
        if not os.path.exists(paths[0]):
            return load_file(paths[0], limits)  # the loader's "no such file" message
        imported, gathered = _source_inputs(paths[0], limits)
        if not imported:
            return load_file(paths[0], limits)
    from .importers import import_gathered, import_paths

    result = import_paths(paths, limits=limits) if gathered is None else import_gathered(paths, gathered, limits=limits)
    label = paths[0] if len(paths) == 1 else " + ".join(paths)
    # the import validated its architecture already: the same text, only the file name differs
    loaded = result.loaded if result.loaded is not None else load_text(result.yaml_text, file=label, limits=limits)
    fallback = Position(result.sources[0] if result.sources else label, 1, 1)
    source = SourceMap(fallback.file)
    for table, target in ((loaded.source.keys, source.keys), (loaded.source.values, source.values)):
        for key in table:
            target[key] = _raw_position(key, result.positions, fallback)
    return LoadedArchitecture(model=loaded.model, source=source, file=label)


def _is_source(path: str, limits: Limits) -> bool:
    """Whether a path is a source to import (Compose, Kubernetes, a gateway configuration...), by content.

    A directory is imported; a ``.yaml``/``.yml``/``.json`` file without ``services`` or ``apiVersion`` is an
    architecture file (its own errors are reported as such); any other file is classified by content.
    """
    return _source_inputs(path, limits)[0]


def _source_inputs(path: str, limits: Limits) -> tuple[bool, Any]:
    """:func:`_is_source`, and the files it read and classified (:class:`scalexpert.importers.detect.Inputs`,
    or None when it read none), which the import then uses rather than reading them again."""
    if os.path.isdir(path):
        return True, None
    if not os.path.isfile(path):  # a pipe or device: the loader refuses it without reading
        return False, None
    if path.lower().endswith((".yaml", ".yml", ".json")) and _looks_like_architecture(path, limits):
        return False, None
    from .importers.detect import format_of, gather

    try:
        inputs = gather([path], limits)
        return format_of(inputs, path) != "architecture", inputs
    except InputError:
        return True, None  # importing reports why (unsupported file type, Helm template, ...)


def _raw_position(path: tuple[str | int, ...], positions: Any, fallback: Position) -> Position:
    """Where the source files state ``path`` (or its closest stated ancestor)."""
    probe = tuple(path)
    while probe:
        origin = positions.get(probe)
        if origin is not None:
            return Position(origin.file, origin.line, origin.column)
        probe = probe[:-1]
    return fallback


def load_deployment(paths: Sequence[str], label: str, limits: Limits = Limits()) -> LoadedArchitecture:
    """Deployment descriptions (files or folders) imported on the fly as one architecture, reported under
    ``label``, every position at the source files' own lines."""
    loaded = _load_path(list(paths), limits)
    return LoadedArchitecture(model=loaded.model, source=loaded.source, file=label)


def rules_for(config: Config, rules: RuleSet | Sequence[str | os.PathLike[str]] | None = None) -> RuleSet:
    """The rule set to use: given, or built-in plus the configured and given folders."""
    if isinstance(rules, RuleSet):
        return rules
    folders = [*config.rules, *(str(r) for r in rules or [])]
    return _cached_ruleset(tuple(folders))


_RULESETS: dict[tuple[Any, ...], RuleSet] = {}


def _cached_ruleset(folders: tuple[str, ...]) -> RuleSet:
    """Rule sets are kept for the process; a change to a file in a users' folder reloads it."""
    for folder in folders:  # before resolving: a NUL byte or a symlink loop has no real path
        refused = _folder_problem(folder)
        if refused:
            raise RuleError(Diagnostic(folder, 0, 0, "", refused))
    key = tuple((str(Path(f).resolve()), _signature(f)) for f in folders)
    if key not in _RULESETS:
        _RULESETS.clear()  # keep only the current version of each folder set
        _RULESETS[key] = load_ruleset(list(folders))
    return _RULESETS[key]


def _folder_problem(folder: str) -> str | None:
    """Why ``folder`` cannot be a rules folder (a NUL byte, an undecodable name, a symlink loop, missing), or None."""
    refused = path_problem(folder)
    if refused:
        return refused
    try:
        os.stat(folder)
    except FileNotFoundError:
        pass
    except OSError as exc:  # a symlink loop: "Too many levels of symbolic links"
        return f"cannot read the rules folder: {exc.strerror or exc}"
    return None if os.path.isdir(folder) else "rules folder not found (expected a directory)"


def _signature(folder: str) -> tuple[tuple[str, int, int], ...]:
    try:
        files = sorted(Path(folder).rglob("*.y*ml"))
        stats = [(p, p.stat()) for p in files]
        return tuple((str(p), st.st_mtime_ns, st.st_size) for p, st in stats)
    except OSError:
        return ()


def selector(config: Config, ruleset: RuleSet) -> Any:
    """A predicate choosing the rules to run from ``enable``/``disable`` (ids, names or categories)."""
    known = {key for r in ruleset.rules for key in (r.id, r.name, r.category, *r.spec.aliases)}
    known |= {key for m in META_RULES.values() for key in (m.id, m.name, SUPPRESSION_CATEGORY)}
    for key in [*config.enable, *config.disable, *config.severity]:
        if key not in known:
            raise ConfigError(f"unknown rule or category {shown(key)} in configuration")
    for name in config.thresholds:
        if name not in ruleset.knowledge.thresholds:
            raise ConfigError(f"unknown threshold {shown(name)} in configuration")

    def chosen(rule: CompiledRule) -> bool:
        keys = {rule.id, rule.name, rule.category, *rule.spec.aliases}
        if config.enable and rule.is_finding and not keys & set(config.enable):
            return False
        return not (rule.is_finding and keys & set(config.disable))

    return chosen


_RELAXED_GC = (100_000, 50, 1_000)
"""Collector thresholds during a check: young collections 140× rarer than Python's default."""


_GC_LOCK = threading.Lock()
_GC_STATE: dict[str, Any] = {"depth": 0, "saved": None}
"""Checks running now (in any thread) and the thresholds to restore when the last one ends."""


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Collect cyclic garbage rarely during one check.

    A check allocates many small objects that live until it ends; with Python's default
    thresholds, full collections rescan them again and again and time grows faster than the
    architecture (measured: 3,000 components took 2.4× longer). Reference counting still frees
    everything as usual. The thresholds are process-wide: the first check to start (in any thread)
    saves them and the last one to end restores them, so concurrent checks never leave them changed.
    """
    with _GC_LOCK:
        if _GC_STATE["depth"] == 0:
            _GC_STATE["saved"] = gc.get_threshold()
            gc.set_threshold(*_RELAXED_GC)
        _GC_STATE["depth"] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_STATE["depth"] -= 1
            if _GC_STATE["depth"] == 0 and _GC_STATE["saved"] is not None:
                gc.set_threshold(*_GC_STATE["saved"])
                _GC_STATE["saved"] = None


def check(
    source: str | os.PathLike[str] | Architecture | LoadedArchitecture | Sequence[str],
    *,
    rules: RuleSet | Sequence[str | os.PathLike[str]] | None = None,
    config: Config | None = None,
    limits: Limits = Limits(),
    filename: str | None = None,
    assess: bool = True,
) -> Report:
    """Check one architecture (a path, YAML text or a model) and return the report.

    ``filename`` names YAML text or a model in the report and in error messages
    (``check(text, filename="docs/arch.yaml")``: findings are located at that file's lines).
    ``limits`` bounds what reading the input may cost (bytes, nesting, alias expansion); see
    :class:`scalexpert.loader.Limits` and docs/security.md. ``assess`` adds the root causes, the
    plan and the growth timeline (docs/assessment.md); without it those stay empty.
    """
    with _gc_paused():
        if filename is not None and not isinstance(source, LoadedArchitecture):
            source = load(source, limits, filename=filename)
        return _check(source, rules=rules, config=config, limits=limits, assess=assess)


def _check(
    source: str | os.PathLike[str] | Architecture | LoadedArchitecture | Sequence[str],
    *,
    rules: RuleSet | Sequence[str | os.PathLike[str]] | None,
    config: Config | None,
    limits: Limits,
    assess: bool = True,
) -> Report:
    config = config or Config()
    phase("reading")
    loaded = load(source, limits)
    _check_size(loaded, limits)
    phase("loading rules")
    ruleset = rules_for(config, rules)
    reads: dict[str, Reads] = {}
    reruns = assess and _reruns(loaded.model)  # what the re-runs reuse is recorded only when there are enough
    phase("graph analysis")
    with _recording(loaded.model, reads, "graph", reruns):
        graph = analyse_graph(loaded.model)
    phase("capacity model")
    with _recording(loaded.model, reads, "capacity", reruns):
        capacity = _capacity(loaded.model, config)
    phase("building facts")
    flattened: dict[Any, Any] | None = {} if reruns else None  # the re-runs' facts reuse these records' flat form
    records = build_facts(loaded, graph, capacity, flattened)
    if not reruns:  # nothing reads the graph analysis again but its entry points: let its records go before the rules
        graph = GraphAnalysis(entry_points=graph.entry_points)  # run (at 10,000 components about 86 MiB)
    report, chosen, severities = _checked(loaded, ruleset, config, limits, graph, capacity, records)
    if not assess:
        return report
    return _assess(report, loaded, ruleset, config, chosen, severities, limits, records,
                   _Analysed(loaded, graph, capacity, records), reads, flattened)


REUSE_FROM = 8
"""Re-runs from which the assessment records what the original's graph analysis and capacity model read (to
reuse them): recording makes those two runs about twice as long, which a few re-runs do not repay (measured:
+0.75 s of CPU at 1,000 components and 2 re-runs, -0.9 s at 52 components and 48)."""


def _reruns(arch: Architecture) -> bool:
    """Whether the assessment of ``arch`` re-runs the analysis often enough to reuse the original's parts."""
    from .assessment import MAX_RERUNS, RERUN_WORK

    return min(MAX_RERUNS, RERUN_WORK // max(len(arch.components), 1)) >= REUSE_FROM


def _recording(arch: Architecture, reads: dict[str, Reads], name: str, wanted: bool) -> Any:
    """Record what a computation reads of ``arch`` (model/reads.py) into ``reads[name]`` when ``wanted``."""
    if not wanted:
        return contextlib.nullcontext()

    @contextlib.contextmanager
    def recording() -> Iterator[None]:
        with recording_paths(arch) as found:
            yield
        reads[name] = found

    return recording()


def _checked(loaded: LoadedArchitecture, ruleset: RuleSet, config: Config, limits: Limits, graph: GraphAnalysis,
             capacity: CapacityReport, records: list[Any]) -> tuple[Report, Any, dict[str, str]]:
    """The report of analysed facts (no assessment), the rule selector and the configured severities."""
    severities: dict[str, str] = {}
    for key, level in config.severity.items():
        rule = ruleset.find(key)
        if rule is not None:
            severities[rule.id] = level
    chosen = selector(config, ruleset)
    phase(f"rule engine ({len(records):,} facts)")
    result = run_rules(records, ruleset, thresholds=config.thresholds, enabled=chosen, severities=severities,
                       limits=limits)
    phase("explanations")
    findings = build_findings(result, ruleset, config.thresholds, config.docs_url)
    run = {r.id: r.name for r in ruleset.finding_rules if chosen(r)}
    findings, meta = apply_suppressions(
        findings, loaded, enabled=config.suppressions, canonical=lambda key: getattr(ruleset.find(key), "id", None),
        evaluated=set(run), meta_enabled=lambda m: _meta_chosen(config, m), meta_severity=dict(config.severity),
        limits=limits,
    )
    report = Report(
        tool_version=__version__,
        file=loaded.file,
        system=loaded.model.system.name,
        findings=tuple(sorted([*findings, *meta], key=sort_key)),
        rules_evaluated=len(run),
        assumptions=tuple(_assumptions(capacity)),
        capacity=capacity,
        catalogue=catalogue(ruleset),
        architecture=architecture_summary(loaded.model, graph.entry_points),
        rules_run=dict(sorted(run.items())),
    )
    return report, chosen, severities


def _check_size(loaded: LoadedArchitecture, limits: Limits) -> None:
    """The component and dependency limits, for models given in code (files are checked as they load)."""
    for count, name, option in ((len(loaded.model.components), "components", "max_components"),
                                (len(loaded.model.dependencies), "dependencies", "max_dependencies")):
        limit = getattr(limits, option)
        if count > limit:
            raise BudgetError(f"{loaded.file}: {count:,} {name}, more than the limit of {limit:,} for one check; "
                              f"raise it with --{option.replace('_', '-')} (Limits.{option})")


@dataclass
class _Analysed:
    """One design analysed: the loaded model, its graph analysis, capacity model and fact records, and (filled
    in when asked) its findings and dumped capacity figures."""

    loaded: LoadedArchitecture | None
    graph: GraphAnalysis | None
    capacity: CapacityReport | None
    records: list[Any]
    findings: dict[str, str] | None = None
    dumped: dict[str, Any] | None = None
    kept: bool = False
    """Whether the design may be checked in full (a step of the plan, the target): its models stay."""

    def slim(self) -> None:
        """Keep only what a later re-run of the same design reads (its records, findings and figures): the models
        of every design tried were most of an assessed check's memory (100 components: 60 MiB of 25 designs)."""
        if not self.kept:
            self.loaded = self.graph = self.capacity = None


LARGEST_COUNT = 10**9
"""Changes to numbers above this are analysed in full (the capacity model clamps such counts, reading the
whole model at once)."""


def _small_numbers(node: Any) -> bool:
    if isinstance(node, dict):
        return all(_small_numbers(v) for v in node.values())
    if isinstance(node, list):
        return all(_small_numbers(v) for v in node)
    return not isinstance(node, (int, float)) or isinstance(node, bool) or abs(node) < LARGEST_COUNT


def _assess(report: Report, loaded: LoadedArchitecture, ruleset: RuleSet, config: Config, chosen: Any,
            severities: dict[str, str], limits: Limits = Limits(), records: list[Any] | None = None,
            base: _Analysed | None = None, reads: dict[str, Reads] | None = None,
            flattened: dict[Any, Any] | None = None) -> Report:
    """Root causes, plan and timeline: the assessment stage, handed the ways to re-run the analysis.

    Each changed design is analysed once (kept by the overlay's canonical form, so the plan's steps and the
    target reuse what the changes' own re-runs computed); the graph analysis and the capacity model of the
    original are reused for changes to nothing they read (``reads``, recorded during the original's run), and
    the facts of a design that reuses them take those records' flat form from ``flattened`` (facts/build.py).
    """
    from .analysis.capacity.defaults import load_defaults
    from .assessment import Outcome, assess

    base_raw = loaded.model.model_dump(by_alias=True, exclude_none=True, mode="json")
    sessions: list[RuleSession] = []
    partial: list[PartialRerun] = []
    rules_run = set(report.rules_run)
    base_keys = {f.fingerprint: f.severity for f in report.findings if f.rule_id in rules_run}
    reads = reads or {}
    flattened = {} if flattened is None else flattened
    analysed: dict[str, _Analysed | None] = {}

    def changed(overlay: Any) -> LoadedArchitecture | None:
        try:
            return validate(merge(base_raw, dict(overlay)), loaded.source, loaded.file)
        except InputError:
            return None

    def reused(name: str, overlay: Any) -> bool:
        """Whether the original's ``name`` computation holds for the changed design (it read nothing changed)."""
        if base is None or name not in reads or not _small_numbers(overlay):
            return False
        at = changed_paths(overlay, loaded.model)
        return at is not None and not reads[name].touched_by(at)

    def analyse(overlay: Any, whole: bool = False) -> _Analysed | None:
        """The changed design analysed (once per distinct overlay, again when ``whole`` asks for the models a
        re-run let go); None when it does not validate."""
        name = json.dumps(overlay, sort_keys=True, default=str)
        earlier = analysed.get(name)
        if name in analysed and (earlier is None or not whole or earlier.loaded is not None):
            return earlier
        variant = changed(overlay)
        made = None
        if variant is not None:
            original = (base.graph, base.capacity) if base is not None else (None, None)  # (the original is kept whole)
            graph = original[0] if original[0] is not None and reused("graph", overlay) else analyse_graph(variant.model)
            capacity = (original[1] if original[1] is not None and reused("capacity", overlay)
                        else _capacity(variant.model, config))
            # the memo keeps the flat form of the original's records; a variant's own are used once (this design)
            made = _Analysed(variant, graph, capacity, build_facts(variant, graph, capacity, dict(flattened)))
        if made is not None and earlier is not None:  # the same design: what was measured of it holds
            made.findings, made.dumped = earlier.findings, earlier.dumped
        analysed[name] = made
        return made

    original_dump: list[dict[str, Any]] = []

    def dumped(item: _Analysed) -> dict[str, Any]:
        """The design's capacity figures as data (read only), dumped once per capacity model: the designs that
        reuse the original's share its dump."""
        if item.dumped is None:
            assert item.capacity is not None  # (a design lets its models go once its figures are dumped)
            if base is not None and item.capacity is base.capacity:
                if not original_dump:
                    original_dump.append(base.capacity.model_dump(mode="json"))
                item.dumped = original_dump[0]
            else:
                item.dumped = item.capacity.model_dump(mode="json")
        return item.dumped

    def rerun(overlay: Any) -> Outcome | None:
        item = analyse(overlay)
        if item is None:
            return None
        if item.findings is None:
            item.findings = findings_of(item.records)
        outcome = Outcome(dict(item.findings), dumped(item))
        item.slim()
        return outcome

    def findings_of(variant_records: list[Any]) -> dict[str, str]:
        if not keys_are_unique(variant_records, ruleset):  # pragma: no cover - the loader keeps names unique
            result = run_rules(variant_records, ruleset, thresholds=config.thresholds, enabled=chosen, severities=severities,
                               limits=limits)
            return finding_keys(result, ruleset, config.thresholds)
        if records is not None:  # only the rules the change can affect run again (engine/partial.py)
            if not partial:
                partial.append(PartialRerun(ruleset, records, base_keys, thresholds=config.thresholds, enabled=chosen,
                                            severities=severities, limits=limits))
            return partial[0].run(variant_records)
        if not sessions:  # one network for every re-run of this check
            sessions.append(RuleSession(ruleset, thresholds=config.thresholds, enabled=chosen, severities=severities,
                                        limits=limits))
        return finding_keys(sessions[0].run(variant_records), ruleset, config.thresholds)

    sequence: list[PartialRerun] = []

    def rerun_after(overlay: Any) -> Outcome | None:
        """As ``rerun``, comparing each call with the previous call's run (the plan's steps, in order)."""
        item = analyse(overlay)
        if item is None or records is None or not keys_are_unique(item.records, ruleset):
            return rerun(overlay)
        if not sequence:
            sequence.append(PartialRerun(ruleset, records, base_keys, thresholds=config.thresholds, enabled=chosen,
                                         severities=severities, limits=limits, share=partial[0] if partial else None))
        item.kept = True
        if item.findings is None:  # (a design measured before has the same findings, whichever run it follows)
            item.findings = sequence[0].run(item.records)
        sequence[0].rebase(item.records, item.findings)
        return Outcome(dict(item.findings), dumped(item))

    def full_check(overlay: Any) -> tuple[Report, Architecture] | None:
        item = analyse(overlay, whole=True)
        if item is None:
            return None
        item.kept = True
        assert item.loaded is not None and item.graph is not None and item.capacity is not None
        # run_rules takes the network of every rule the check and its re-runs used (RuleSession.take)
        checked, _, _ = _checked(item.loaded, ruleset, config, limits, item.graph, item.capacity, item.records)
        return checked, item.loaded.model

    def grow(arch: Architecture, multiples: list[float]) -> dict[str, Any] | None:
        """The figures of a design analysed here (the original or a changed one) with a growth table at the
        multiples (computed alone: a component's figures do not depend on the multiples tabulated)."""
        from .analysis.capacity.run import analyse as capacity_of, growth_table

        known = [item for item in (base, *analysed.values())
                 if item is not None and item.loaded is not None and item.loaded.model is arch]
        if not known:
            return capacity_of(arch, growth=multiples).model_dump(mode="json")
        return {**dumped(known[0]), "growth_table": [row.model_dump(mode="json") for row in growth_table(arch, multiples)]}

    def locate(change: Change) -> Location | None:
        path = tuple(change.path)
        while path:
            pos = loaded.source.keys.get(path)
            if pos is not None:
                return Location(file=pos.file, line=pos.line, column=pos.column)
            path = path[:-1]
        return None

    try:
        return assess(report, loaded.model, rerun=rerun, rerun_after=rerun_after, full_check=full_check, grow=grow, locate=locate,
                      entries=ruleset.knowledge.entries, safe_utilization=load_defaults().safe_utilization)
    finally:
        for session in sessions:
            session.close()
        for rerunner in (*sequence, *partial):
            rerunner.close()


_CATALOGUE: list[tuple[RuleSet, Catalogue]] = []


def catalogue(ruleset: RuleSet) -> Catalogue:
    """What reports say about every finding rule of ``ruleset`` and its categories (built once per rule set)."""
    if _CATALOGUE and _CATALOGUE[0][0] is ruleset:
        return _CATALOGUE[0][1]
    built = Catalogue(
        categories={slug: category.title for slug, category in sorted(ruleset.knowledge.categories.items())},
        rules={rule.id: _rule_info(rule) for rule in ruleset.finding_rules},
    )
    _CATALOGUE[:] = [(ruleset, built)]
    return built


def _rule_info(rule: CompiledRule) -> RuleInfo:
    entry = rule.knowledge
    if entry is None:
        return RuleInfo(id=rule.id, name=rule.name, title=rule.title, category=rule.category)
    return RuleInfo(
        id=rule.id, name=rule.name, title=entry.title, category=entry.category, summary=entry.summary,
        why=entry.why, fix=entry.fix, trade_offs=entry.trade_offs,
        references=tuple(RuleReference(title=r.title, url=str(r.url) if r.url else None) for r in entry.references),
    )


def _meta_chosen(config: Config, rule: MetaRule) -> bool:
    """The suppression meta rules follow ``enable``/``disable`` like every other rule."""
    keys = {rule.id, rule.name, SUPPRESSION_CATEGORY}
    if config.enable and not keys & set(config.enable):
        return False
    return not keys & set(config.disable)


def architecture_summary(arch: Architecture, entries: Sequence[str]) -> ArchitectureSummary:
    """Components by kind and the edges between them (dependencies, and queues to their consumers)."""
    edges = {(d.source, d.target, "async" if d.mode == "async" else "sync") for d in arch.dependencies}
    for name, comp in arch.components.items():
        for consumer in (comp.messaging.consumed_by or []) if comp.messaging else []:
            edges.add((name, consumer, "delivery"))
    return ArchitectureSummary(
        components={name: str(arch.components[name].kind) for name in sorted(arch.components)},
        dependencies=tuple(sorted(edges)),
        entry_points=tuple(sorted(set(entries))),
    )


def _capacity(arch: Architecture, config: Config) -> CapacityReport:
    from .analysis.capacity.run import analyse  # networkx and the model: only when a check runs

    return analyse(arch, growth=config.growth)


def _assumptions(capacity: CapacityReport) -> list[Assumption]:
    return [Assumption(subject=item.component or "system", field=item.field, value=item.value, source=item.source)
            for item in capacity.assumptions]
