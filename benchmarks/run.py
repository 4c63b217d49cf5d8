"""scalexpert benchmark: phase timings and peak memory on seeded synthetic architectures.

    python benchmarks/run.py                    # sizes 10, 100, 1000, 10000; 5 repeats (fewer for 10000)
    python benchmarks/run.py --sizes 10,100 --repeat 3 --json results.json
    python benchmarks/run.py --sizes 10 --checkov        # also time Checkov side by side
    python benchmarks/run.py --sizes 0 --shapes chain,fanout --shape-sizes 2000,20000 --repeat 1
    python benchmarks/run.py --sizes 100,1000 --repeat 1 --realism   # findings per component vs real systems

Medians of wall time per phase, peak traced memory per phase (separate pass), end-to-end wall time and
peak RSS of the command in a subprocess, start-up time, and a findings digest per size so that an
optimisation that changes findings is caught: ``--compare before.json`` checks the digests against an
earlier ``--json`` run and exits 1 if any size's findings differ. The end-to-end runs digest the whole
JSON report of ``check`` (root causes, plan and timeline included): it must be the same in every
repeat, and ``--compare`` checks it against the earlier run too.

scalexpert's modules are compiled to bytecode before anything is timed, as an installed package's are
(with ``PYTHONDONTWRITEBYTECODE`` set, an edited module would otherwise be compiled in every process).

``--shapes chain,fanout`` also checks hostile shapes (``benchmarks/shapes.py``): a dependency chain
and a fan-out of each ``--shape-sizes`` length, end to end (wall time, peak RSS) with the growth
from the smallest to the largest size, which stays near-linear (about 10x for 10x the size).

``--checkov`` times Checkov (``--framework kubernetes``) and ``scalexpert check`` (and, beside it,
``check --no-assess``: findings only, as Checkov) on the same real Kubernetes manifest in one run, their
runs interleaved, and prints the ratios. Checkov lives in its own virtual environment,
``benchmarks/.venv-checkov`` (made and filled from PyPI on first use, the only step that needs the
network; ``--checkov-exe`` names another installation). Neither tool is asked to reach the network
while timed (Checkov runs with ``--skip-download``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).parent))
from shapes import SHAPES, shape_text  # noqa: E402
from synthetic import generate_text  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCALEXPERT = [sys.executable, "-m", "scalexpert"]
CHECKOV_VERSION = "3.3.30"
CHECKOV_VENV = ROOT / "benchmarks" / ".venv-checkov"
MANIFEST = ROOT.parent / "shared" / "realworld" / "sock-shop" / "deploy" / "kubernetes" / "complete-demo.yaml"


def phases(text: str) -> tuple[list[tuple[str, Callable[[], Any]]], dict[str, Any]]:
    """The pipeline split into named steps; each step stores its result for the next."""
    from scalexpert import api
    from scalexpert.analysis.graph import analyse_graph
    from scalexpert.config import Config
    from scalexpert.engine import run_rules
    from scalexpert.engine import build_findings
    from scalexpert.facts.build import build_facts
    from scalexpert.language.ruleset import load_ruleset
    from scalexpert.loader import load_text
    from scalexpert.reporters import render

    state: dict[str, Any] = {}
    config = Config()

    def report() -> str:
        from scalexpert.findings import Report

        rep = Report(tool_version="bench", file="bench", system="bench", findings=tuple(state["findings"]),
                     rules_evaluated=len(state["rules"].rules), capacity=state["capacity"])
        return render("json", [rep]) + render("text", [rep])

    steps = [
        ("load+validate", lambda: state.__setitem__("loaded", load_text(text, "bench.yaml"))),
        ("graph analysis", lambda: state.__setitem__("graph", analyse_graph(state["loaded"].model))),
        ("capacity model", lambda: state.__setitem__("capacity", api._capacity(state["loaded"].model, config))),
        ("fact building", lambda: state.__setitem__("facts", build_facts(state["loaded"], state["graph"], state["capacity"]))),
        ("rule loading", lambda: state.__setitem__("rules", load_ruleset())),
        ("engine", lambda: state.__setitem__("result", run_rules(state["facts"], state["rules"],
                                                                   enabled=api.selector(config, state["rules"])))),
        ("explanations", lambda: state.__setitem__("findings", build_findings(state["result"], state["rules"]))),
        ("report", lambda: state.__setitem__("report", report())),
    ]
    return steps, state


def time_phases(text: str, repeat: int) -> dict[str, float]:
    """Median seconds per phase (with the garbage collector paused, as scalexpert.check does)."""
    import gc

    samples: dict[str, list[float]] = {}
    for _ in range(repeat):
        steps, _ = phases(text)
        gc.disable()
        try:
            for name, step in steps:
                start = time.perf_counter()
                step()
                samples.setdefault(name, []).append(time.perf_counter() - start)
        finally:
            gc.enable()
            gc.collect()
    return {name: statistics.median(values) for name, values in samples.items()}


def memory_phases(text: str) -> tuple[dict[str, float], str]:
    """Peak traced MiB per phase, and a digest of the findings."""
    steps, state = phases(text)
    peaks: dict[str, float] = {}
    tracemalloc.start()
    for name, step in steps:
        tracemalloc.reset_peak()
        step()
        peaks[name] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    digest = hashlib.sha256(state["report"].encode()).hexdigest()[:16]  # every finding, message and proof
    return peaks, f"{len(state['findings'])} findings, digest {digest}"


def end_to_end(path: str, repeat: int, *args: str) -> tuple[float, float, float]:
    """Median wall seconds, peak RSS (MiB) and median CPU seconds of `scalexpert check` in a fresh process."""
    return timed([*SCALEXPERT, "check", path, "--format", "json", *args], repeat, os.path.dirname(path))


LAST_OUTPUT: dict[str, Any] = {}  # what the last timed() command wrote: digest and, for a JSON report, its counts


def timed(argv: list[str], repeat: int, folder: str = "") -> tuple[float, float, float]:
    """Median wall seconds, peak RSS (MiB) and median CPU seconds (user + system) of a command, each
    run in a fresh process. On a shared machine the CPU seconds move less than the wall time.

    Each run goes through a small launcher process (:func:`launch`): a child forked straight from
    this benchmark, which holds every size's data by then, would start with the benchmark's own
    pages resident, and Linux counts those in the child's peak RSS. The launcher also digests what
    the command wrote (with ``folder``, where the input lives, written as ``<folder>``, so that runs
    from different temporary folders compare); runs that wrote different output stop the benchmark.
    """
    times, cpus, rss, outputs = [], [], 0.0, []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, __file__, "--launch", folder, *argv], cwd=ROOT, capture_output=True,
                              text=True, check=True)
        wall, peak, code, cpu, output = json.loads(done.stdout.strip().splitlines()[-1])
        if code not in (0, 1):  # 1: findings; anything else is a failed run, not a measurement
            raise SystemExit(f"{' '.join(argv)} exited with {code}: {done.stderr.strip()[-500:]}")
        times.append(wall)
        cpus.append(cpu)
        rss = max(rss, peak)
        outputs.append(output)
    if any(output["digest"] != outputs[0]["digest"] for output in outputs):
        raise SystemExit(f"{' '.join(argv)} wrote different output in runs of the same input")
    LAST_OUTPUT.clear()
    LAST_OUTPUT.update(outputs[0])
    return statistics.median(times), rss, statistics.median(cpus)


def launch(folder: str, argv: list[str]) -> None:
    """Run ``argv`` once; print ``[wall seconds, peak RSS MiB, exit code, CPU seconds, output]`` as JSON,
    where output holds a digest of what the command wrote and, for a scalexpert JSON report, its counts."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, errors = process.communicate()
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the launcher's only child
    if process.returncode not in (0, 1):
        sys.stderr.write(errors.decode("utf-8", "replace"))
    stable = out.replace(folder.encode(), b"<folder>") if folder else out
    output: dict[str, Any] = {"digest": hashlib.sha256(stable).hexdigest()[:16]}
    if out.startswith(b"{"):
        try:
            reports = json.loads(out)["reports"]
        except (ValueError, KeyError, TypeError):
            reports = []
        output["findings"] = sum(len(report.get("findings", ())) for report in reports)
        output["root_causes"] = sum(len(report.get("root_causes", ())) for report in reports)
        output["components"] = sum(len(((report.get("architecture") or {}).get("components")) or ())
                                   for report in reports)
    print(json.dumps([wall, usage.ru_maxrss / 1024, process.returncode, usage.ru_utime + usage.ru_stime, output]))


def checkov_executable(given: str | None) -> str:
    """The Checkov to time: ``given``, else the benchmark's own virtual environment (made on first use)."""
    if given:
        return given
    exe = CHECKOV_VENV / "bin" / "checkov"
    if not exe.exists():
        print(f"installing checkov {CHECKOV_VERSION} into {CHECKOV_VENV} (once) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(CHECKOV_VENV)], check=True)
        subprocess.run([str(CHECKOV_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        f"checkov=={CHECKOV_VERSION}"], check=True)
    return str(exe)


def side_by_side(manifest: Path, checkov: str, repeat: int) -> dict[str, Any]:
    """Checkov and scalexpert on the same manifest, in one run: medians, peak RSS and the ratio.

    ``scalexpert check`` as users run it (the assessment included) is the comparison; ``--no-assess``
    (findings only, which is all Checkov reports) is timed beside it. The runs are interleaved and
    each command runs once untimed first (file cache, scalexpert's rule cache, compiled bytecode).
    """
    version = subprocess.run([checkov, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    commands = {
        "scalexpert": [*SCALEXPERT, "check", str(manifest), "--format", "json"],
        "findings_only": [*SCALEXPERT, "check", str(manifest), "--format", "json", "--no-assess"],
        "checkov": [checkov, "-f", str(manifest), "--framework", "kubernetes", "--quiet", "--compact",
                    "--skip-download", "-o", "json"],
    }
    for argv in commands.values():
        timed(argv, 1)  # warm-up, not counted
    found = timed_together(commands, repeat)
    ours, only, theirs = found["scalexpert"], found["findings_only"], found["checkov"]
    return {"manifest": str(manifest), "checkov_version": version, "repeat": repeat,
            "scalexpert_s": ours[0], "scalexpert_rss_mib": ours[1], "scalexpert_cpu_s": ours[2],
            "findings_only_s": only[0], "findings_only_rss_mib": only[1], "findings_only_cpu_s": only[2],
            "checkov_s": theirs[0], "checkov_rss_mib": theirs[1], "checkov_cpu_s": theirs[2], "ratio": theirs[0] / ours[0],
            "cpu_ratio": theirs[2] / ours[2], "findings_only_ratio": theirs[0] / only[0],
            "findings_only_cpu_ratio": theirs[2] / only[2]}


def timed_together(commands: dict[str, list[str]], repeat: int) -> dict[str, tuple[float, float, float]]:
    """:func:`timed` of several commands, their runs interleaved: each round runs every command once,
    starting with a different one each round, so that the load of a shared machine, which changes
    from minute to minute, weighs on all of them alike. Medians of wall and CPU seconds, peak RSS."""
    labels = list(commands)
    runs: dict[str, list[tuple[float, float, float]]] = {label: [] for label in labels}
    digests: dict[str, set[str]] = {label: set() for label in labels}
    for index in range(repeat):
        shift = index % len(labels)
        for label in labels[shift:] + labels[:shift]:
            runs[label].append(timed(commands[label], 1))
            digests[label].add(LAST_OUTPUT["digest"])
    for label, seen in digests.items():
        if len(seen) > 1:
            raise SystemExit(f"{' '.join(commands[label])} wrote different output in runs of the same input")
    return {label: (statistics.median(r[0] for r in found), max(r[1] for r in found),
                    statistics.median(r[2] for r in found)) for label, found in runs.items()}


BARE_IMPORT = "bare import of experta, pydantic, networkx, yaml, click"
_BARE = (  # experta needs the collections aliases back on Python 3.10+ (as scalexpert.engine._compat does)
    "import collections, collections.abc\n"
    "for n in ('Mapping', 'MutableMapping', 'Sequence', 'Iterable', 'Hashable', 'Callable'):\n"
    "    setattr(collections, n, getattr(collections.abc, n))\n"
    "import experta, pydantic, networkx, yaml, click\n"
)


def startup(repeat: int) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of quick commands, and of importing scalexpert's dependencies alone.

    The rule cache is warmed first (a user's second run onwards).
    """
    command = SCALEXPERT
    subprocess.run([*command, "rules"], cwd=ROOT, capture_output=True, check=False)  # warm the rule cache
    wall, _, cpu = timed([sys.executable, "-c", _BARE], repeat)
    found = {BARE_IMPORT: (wall, cpu)}
    for label, argv in (("scalexpert --version", ["--version"]), ("scalexpert rules", ["rules"]),
                        ("scalexpert explain SPOF-001", ["explain", "SPOF-001"])):
        wall, _, cpu = timed([*command, *argv], repeat)
        found[label] = (wall, cpu)
    return found


def compile_bytecode() -> None:
    """Compile scalexpert's modules to bytecode first, as an installed package is: with PYTHONDONTWRITEBYTECODE
    set, a module edited since its cached bytecode was written is compiled again in every timed process
    (about 0.06 s of CPU per check of a freshly changed checkout)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "scalexpert")], capture_output=True, check=False)


def main() -> None:
    if sys.argv[1:2] == ["--launch"]:
        launch(sys.argv[2], sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100,1000,10000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", dest="json_path")
    parser.add_argument("--markdown", dest="markdown_path", help="also write the results as the README's tables")
    parser.add_argument("--compare", type=Path, help="an earlier --json result: fail if the findings differ")
    parser.add_argument("--checkov", action="store_true", help="also time Checkov against scalexpert on --manifest")
    parser.add_argument("--checkov-exe", help="a Checkov executable to use instead of benchmarks/.venv-checkov")
    parser.add_argument("--manifest", type=Path, default=MANIFEST, help="Kubernetes manifest for --checkov")
    parser.add_argument("--shapes", default="", help=f"hostile shapes to check end to end: {', '.join(SHAPES)}")
    parser.add_argument("--shape-sizes", default="2000,20000", help="lengths of the --shapes")
    parser.add_argument("--realism", action="store_true",
                        help="also compare findings per component with tests/realworld and examples/")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if int(s) > 0]
    results: dict[str, Any] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
                               "sizes": {}}
    print(f"machine: {results['machine']}")
    compile_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            text = generate_text(size)
            path = os.path.join(tmp, f"synthetic-{size}.yaml")
            Path(path).write_text(text, "utf-8")
            repeat = args.repeat if size < 10_000 else max(1, min(args.repeat, 3))
            timings = time_phases(text, repeat)
            peaks, digest = memory_phases(text)
            wall, rss, cpu = end_to_end(path, repeat)
            report = dict(LAST_OUTPUT, components=size)
            text_wall, text_rss, text_cpu = timed([*SCALEXPERT, "check", path], repeat, tmp)  # what a user types
            results["sizes"][size] = {"phases": timings, "peak_mib": peaks, "end_to_end_s": wall, "peak_rss_mib": rss,
                                      "end_to_end_cpu_s": cpu, "findings": digest, "report": report,
                                      "text_s": text_wall, "text_cpu_s": text_cpu, "text_rss_mib": text_rss}
            print(f"\n{size} components ({text.count('- from:')} dependencies), median of {repeat}: {digest}")
            print(f"  {'phase':<16} {'median s':>9} {'peak MiB':>9}")
            for name, seconds in timings.items():
                print(f"  {name:<16} {seconds:>9.3f} {peaks[name]:>9.1f}")
            print(f"  {'end to end':<16} {wall:>9.3f} {rss:>9.1f}  (scalexpert check, new process, peak RSS; {cpu:.3f} s CPU)")
            print(f"  {'text report':<16} {text_wall:>9.3f} {text_rss:>9.1f}  (scalexpert check in the default text "
                  f"format; {text_cpu:.3f} s CPU)")
            print(f"  its JSON report: {report['findings']} findings in {report['root_causes']} root causes, "
                  f"digest {report['digest']}")
        if args.shapes:
            results["shapes"] = shapes(tmp, [s for s in args.shapes.split(",") if s],
                                       [int(s) for s in args.shape_sizes.split(",")], args.repeat)
    example = ROOT / "examples" / "large-marketplace.yaml"
    quick = startup(args.repeat)
    if example.exists():
        for label, extra in (("", ()), (" --no-assess", ("--no-assess",))):
            wall, _, cpu = end_to_end(str(example), args.repeat, *extra)
            quick[f"scalexpert check examples/large-marketplace.yaml{label}"] = (wall, cpu)
    results["startup"] = {label: wall for label, (wall, _) in quick.items()}
    results["startup_cpu"] = {label: cpu for label, (_, cpu) in quick.items()}
    print("\nstart-up and small checks (medians: wall s, multiple of the bare import; CPU s, multiple)")
    bare, bare_cpu = quick[BARE_IMPORT]
    for label, (seconds, cpu) in quick.items():
        print(f"  {label:<62} {seconds:7.3f} {seconds / bare:5.2f}x  {cpu:7.3f} {cpu / bare_cpu:5.2f}x")
    sizes_done = results["sizes"]
    if 1000 in sizes_done and 10000 in sizes_done:
        ratio = sizes_done[10000]["end_to_end_s"] / sizes_done[1000]["end_to_end_s"]
        cpu_ratio = sizes_done[10000]["end_to_end_cpu_s"] / sizes_done[1000]["end_to_end_cpu_s"]
        results["growth_1000_to_10000"] = ratio
        results["growth_1000_to_10000_cpu"] = cpu_ratio
        print(f"\nend-to-end growth from 1,000 to 10,000 components: {ratio:.1f}x ({cpu_ratio:.1f}x in CPU time)")
    if args.checkov:
        if not args.manifest.exists():
            parser.error(f"manifest not found: {args.manifest}")
        compared = side_by_side(args.manifest, checkov_executable(args.checkov_exe), args.repeat)
        results["checkov"] = compared
        print(f"\nside by side on {args.manifest.name}, median of {args.repeat} (wall s, peak RSS MiB, CPU s)")
        print(f"  {'checkov ' + compared['checkov_version'] + ' --framework kubernetes':<44} "
              f"{compared['checkov_s']:>7.3f} {compared['checkov_rss_mib']:>8.1f} {compared['checkov_cpu_s']:>7.3f}")
        print(f"  {'scalexpert check':<44} {compared['scalexpert_s']:>7.3f} {compared['scalexpert_rss_mib']:>8.1f}"
              f" {compared['scalexpert_cpu_s']:>7.3f}")
        print(f"  {'scalexpert check --no-assess (findings only)':<44} {compared['findings_only_s']:>7.3f} "
              f"{compared['findings_only_rss_mib']:>8.1f} {compared['findings_only_cpu_s']:>7.3f}")
        print(f"  scalexpert is {compared['ratio']:.1f}x faster ({compared['cpu_ratio']:.1f}x in CPU time); findings only "
              f"{compared['findings_only_ratio']:.1f}x ({compared['findings_only_cpu_ratio']:.1f}x in CPU time)")
    if args.realism:
        results["realism"] = realism(results["sizes"])
        print("\nfindings and root causes per component: synthetic against described real systems and examples")
        for line in realism_lines(results["realism"]):
            print("  " + line)
    changed = compare(results, args.compare) if args.compare else []
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", "utf-8")
    if args.markdown_path:
        Path(args.markdown_path).write_text(markdown(results, args.repeat), "utf-8")

    if changed:
        raise SystemExit(1)


def shapes(tmp: str, names: list[str], sizes: list[int], repeat: int) -> dict[str, Any]:
    """End-to-end wall time and peak RSS of ``check`` on each shape and size, and the growth between sizes."""
    found: dict[str, Any] = {}
    for name in names:
        rows: dict[str, Any] = {}
        for size in sizes:
            path = os.path.join(tmp, f"{name}-{size}.yaml")
            Path(path).write_text(shape_text(name, size), "utf-8")
            wall, rss, _ = end_to_end(path, repeat, "--fail-on", "never")
            rows[str(size)] = {"end_to_end_s": wall, "peak_rss_mib": rss}
            print(f"{name} of {size:,}: {wall:.2f} s, {rss:.0f} MiB peak RSS (scalexpert check, median of {repeat})",
                  flush=True)
        low, high = rows[str(min(sizes))], rows[str(max(sizes))]
        growth = {"size": max(sizes) / min(sizes), "time": high["end_to_end_s"] / low["end_to_end_s"],
                  "memory": high["peak_rss_mib"] / low["peak_rss_mib"]}
        found[name] = {"sizes": rows, "growth": growth}
        print(f"{name}: {growth['size']:.0f}x the size took {growth['time']:.1f}x the time and {growth['memory']:.1f}x the memory")
    return found


def markdown(results: dict[str, Any], repeat: int) -> str:
    """The results as Markdown tables (what the README's performance section shows)."""
    sizes = sorted(results["sizes"], key=int)
    lines = [f"Machine: {results['machine']}; medians of {repeat} runs ({min(repeat, 3)} at 10,000 components)."]
    if sizes:  # (--sizes 0: start-up and side by side only)
        lines += ["", "| phase | " + " | ".join(f"{int(s):,} components" for s in sizes) + " |",
                  "|---|" + "---:|" * len(sizes)]
        phases = list(results["sizes"][sizes[0]]["phases"])
        for name in phases:
            lines.append(f"| {name} | " + " | ".join(f"{results['sizes'][s]['phases'][name]:.3f} s" for s in sizes) + " |")
        rows = (("**`scalexpert check --format json`, new process (wall)**", "end_to_end_s", "**{:.2f} s**"),
                ("the same, CPU (user + system)", "end_to_end_cpu_s", "{:.2f} s"),
                ("peak RSS of that process", "peak_rss_mib", "{:,.0f} MiB"),
                ("the same in the default text format (wall)", "text_s", "{:.2f} s"),
                ("its CPU (user + system)", "text_cpu_s", "{:.2f} s"),
                ("its peak RSS", "text_rss_mib", "{:,.0f} MiB"))
        for label, key, form in rows:
            lines.append(f"| {label} | " + " | ".join(form.format(results["sizes"][s][key]) if key in results["sizes"][s]
                                                        else "–" for s in sizes) + " |")
        lines.append("| findings | " + " | ".join(results["sizes"][s]["findings"].split(" findings")[0] for s in sizes) + " |")
        if all("report" in results["sizes"][s] for s in sizes):
            lines.append("| root causes in the report | " + " | ".join(
                f"{results['sizes'][s]['report']['root_causes']:,}" for s in sizes) + " |")
    if "growth_1000_to_10000" in results:
        lines += ["", f"From 1,000 to 10,000 components the end-to-end time grows {results['growth_1000_to_10000']:.1f}x "
                      f"({results['growth_1000_to_10000_cpu']:.1f}x in CPU time)."]
    startup_cpu = results.get("startup_cpu", {})
    bare, bare_cpu = results["startup"][BARE_IMPORT], startup_cpu.get(BARE_IMPORT)
    lines += ["", "| command | wall | × bare import | CPU | × bare import |", "|---|---:|---:|---:|---:|"]
    for label, wall in results["startup"].items():
        cpu = startup_cpu.get(label)
        cpu_text = f"{cpu:.3f} s | {cpu / bare_cpu:.2f}x" if cpu is not None and bare_cpu else "– | –"
        lines.append(f"| {'`' + label + '`' if label.startswith('scalexpert') else label} | {wall:.3f} s | "
                     f"{wall / bare:.2f}x | {cpu_text} |")
    checkov = results.get("checkov")
    if checkov:
        lines += ["", f"Side by side on `{Path(checkov['manifest']).name}` (median of {checkov['repeat']}):",
                  "", "| tool | wall | CPU | peak RSS |", "|---|---:|---:|---:|",
                  f"| Checkov {checkov['checkov_version']} (`--framework kubernetes`) | {checkov['checkov_s']:.2f} s | "
                  f"{checkov['checkov_cpu_s']:.2f} s | {checkov['checkov_rss_mib']:.0f} MiB |",
                  f"| `scalexpert check` | {checkov['scalexpert_s']:.2f} s | {checkov['scalexpert_cpu_s']:.2f} s | "
                  f"{checkov['scalexpert_rss_mib']:.0f} MiB |"]
        if "findings_only_s" in checkov:
            lines.append(f"| `scalexpert check --no-assess` (findings only, as Checkov) | {checkov['findings_only_s']:.2f} s | "
                         f"{checkov['findings_only_cpu_s']:.2f} s | {checkov['findings_only_rss_mib']:.0f} MiB |")
        lines += ["", f"scalexpert is {checkov['ratio']:.1f}x faster ({checkov['cpu_ratio']:.1f}x in CPU time)"
                  + (f"; {checkov['findings_only_ratio']:.1f}x ({checkov['findings_only_cpu_ratio']:.1f}x in CPU time) "
                     "without the assessment." if "findings_only_s" in checkov else ".")
                  + " The runs of the tools are interleaved, after one untimed run of each."]
    if results.get("realism"):
        lines += ["", "Findings and root causes per component, the synthetic systems beside the real systems described "
                      "in `tests/realworld` and the shipped examples:", "", *realism_lines(results["realism"])]
    return "\n".join(lines) + "\n"


def compare(results: dict[str, Any], earlier_path: Path) -> list[str]:
    """Sizes whose findings digest differs from an earlier run's (printed); sizes in only one run are skipped."""
    earlier = json.loads(earlier_path.read_text("utf-8"))["sizes"]
    changed = []
    for size, now in results["sizes"].items():
        before = earlier.get(str(size))
        if before is None:
            continue
        same = before["findings"] == now["findings"]
        print(f"{size} components: findings {'identical to' if same else 'DIFFERENT from'} {earlier_path.name}"
              + ("" if same else f" ({before['findings']} before, {now['findings']} now)"))
        if "report" in before and "report" in now:  # the whole JSON report of `check`, assessment included
            same_report = before["report"]["digest"] == now["report"]["digest"]
            print(f"{size} components: check's JSON report {'identical to' if same_report else 'DIFFERENT from'} "
                  f"{earlier_path.name}" + ("" if same_report else
                                            f" ({before['report']['digest']} before, {now['report']['digest']} now)"))
            same = same and same_report
        if not same:
            changed.append(str(size))
    return changed


def realism(sizes: dict[Any, Any]) -> dict[str, Any]:
    """Findings and root causes per component: the synthetic systems beside the real systems described in
    ``tests/realworld`` and the shipped examples (the generator is meant to look like them; issue 20)."""
    found: dict[str, Any] = {"synthetic": {}, "described": {}}
    for size, row in sizes.items():
        report = row.get("report", {})
        if report.get("findings") is not None:
            found["synthetic"][f"synthetic-{size}"] = _per_component(report["findings"], report["root_causes"], int(size))
    for folder in ("tests/realworld", "examples"):
        for path in sorted((ROOT / folder).glob("*.yaml")):
            done = subprocess.run([*SCALEXPERT, "check", str(path), "--format", "json", "--fail-on", "never"],
                                  cwd=ROOT, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                continue
            reports = json.loads(done.stdout)["reports"]
            findings = sum(len(report["findings"]) for report in reports)
            causes = sum(len(report.get("root_causes", ())) for report in reports)
            components = sum(len((report.get("architecture") or {}).get("components") or ()) for report in reports)
            if components:
                found["described"][f"{folder}/{path.name}"] = _per_component(findings, causes, components)
    return found


def _per_component(findings: int, causes: int, components: int) -> dict[str, float]:
    return {"components": components, "findings": findings, "root_causes": causes,
            "findings_per_component": findings / components, "root_causes_per_component": causes / components}


def realism_lines(found: dict[str, Any]) -> list[str]:
    rows = [*found["synthetic"].items(), *found["described"].items()]
    lines = ["| system | components | findings | per component | root causes | per component |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, row in rows:
        lines.append(f"| {name} | {row['components']:,} | {row['findings']:,} | {row['findings_per_component']:.2f} | "
                     f"{row['root_causes']:,} | {row['root_causes_per_component']:.2f} |")
    described = [row["findings_per_component"] for row in found["described"].values()]
    if described:
        lines += ["", f"Described systems: {min(described):.2f}–{max(described):.2f} findings per component "
                      f"(median {statistics.median(described):.2f})."]
    return lines


if __name__ == "__main__":
    main()
