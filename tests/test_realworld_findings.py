"""What scalexpert reports on five public systems, against what a competent reviewer certainly reports.

tests/realworld/<system>.yaml are architectures written by hand from the reviewers' neutral facts
(shared/realworld/<system>/neutral-facts.json). Each expected finding id of those facts is either
mapped in DETECTED to the (rule, subjects) pairs that report it, or listed in NOT_DETECTED with the
reason. GAPS names the parts of mapped findings that no rule reports (so that the lead can add rules).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from scalexpert.api import check

ARCHITECTURES = Path(__file__).parent / "realworld"
SHARED = Path(__file__).resolve().parents[2] / "shared"

Pair = tuple[str, tuple[str, ...]]
"""A rule id and the subjects of one of its findings."""


def _each(rule: str, *subjects: str) -> tuple[Pair, ...]:
    """One finding of ``rule`` per subject."""
    return tuple((rule, (subject,)) for subject in subjects)


_SS_SERVICES = ("front-end", "catalogue", "carts", "orders", "payment", "shipping", "user")
_SS_DATABASES = ("catalogue-db", "carts-db", "orders-db", "user-db")
_SN_SERVICES = (
    "compose-post-service", "text-service", "unique-id-service", "media-service", "url-shorten-service",
    "user-mention-service", "user-service", "social-graph-service", "home-timeline-service",
    "user-timeline-service", "post-storage-service",
)
_SN_MONGODB = (
    "social-graph-mongodb", "post-storage-mongodb", "user-timeline-mongodb", "url-shorten-mongodb",
    "user-mongodb", "media-mongodb",
)
_HR_SERVICES = (
    "frontend", "search", "geo", "rate", "profile", "recommendation", "user", "reservation", "review", "attractions",
)
_HR_MONGODB = tuple(f"mongodb-{name}" for name in (
    "geo", "profile", "rate", "review", "attractions", "recommendation", "reservation", "user"))
_MM_SERVICES = (
    "unique-id-service", "movie-id-service", "text-service", "rating-service", "user-service",
    "compose-review-service", "review-storage-service", "user-review-service", "movie-review-service",
    "cast-info-service", "plot-service", "movie-info-service",
)
_MM_MONGODB = tuple(f"{name}-mongodb" for name in (
    "movie-id", "user", "review-storage", "user-review", "movie-review", "cast-info", "plot", "movie-info"))
_MM_CACHES = tuple(f"{name}-memcached" for name in (
    "compose-review", "movie-id", "user", "review-storage", "cast-info", "plot", "movie-info"))
_TS_SERVICES = ("teastore-webui", "teastore-auth", "teastore-image", "teastore-recommender", "teastore-persistence")

DETECTED: dict[str, dict[str, tuple[Pair, ...]]] = {
    "sock-shop": {
        "SS-1": (
            *_each("SPOF-001", "edge-router", *_SS_SERVICES),
            *_each("SPOF-002", "session-db", *_SS_DATABASES),
            ("MQ-007", ("rabbitmq",)),
        ),
        "SS-2": _each("SPOF-002", *_SS_DATABASES),
        "SS-3": (("MQ-007", ("rabbitmq",)), ("MQ-005", ("rabbitmq",))),
        "SS-4": (("SPOF-002", ("session-db",)),),  # STATE-003 leaves a store on the critical path to SPOF-002
        "SS-7": _each("HC-001", "carts", "orders", "shipping"),
        "SS-9": (("SPOF-001", ("edge-router",)),),
    },
    "deathstarbench-socialnetwork": {
        "SN-1": _each("SPOF-001", "nginx-thrift", *_SN_SERVICES),
        "SN-2": _each("SPOF-002", *_SN_MONGODB),
        "SN-3": (("SPOF-002", ("home-timeline-redis",)),),
        "SN-5": (("MS-003", ("social-graph-service",)),),
        "SN-7": _each("HC-001", "media-frontend", *_SN_SERVICES),
    },
    "deathstarbench-hotelreservation": {
        "HR-1": (("SPOF-002", ("consul",)),),
        "HR-2": _each("SPOF-001", *_HR_SERVICES),
        "HR-3": _each("SPOF-002", *_HR_MONGODB),
        "HR-7": (("SPOF-001", ("frontend",)),),
        "HR-8": _each("HC-001", *_HR_SERVICES),
    },
    "deathstarbench-mediamicroservices": {
        "MM-1": (
            *_each("SPOF-001", "nginx-web-server", *_MM_SERVICES),
            *_each("SPOF-002", *_MM_MONGODB, *_MM_CACHES, "rating-redis", "user-review-redis", "movie-review-redis"),
        ),
        "MM-2": _each("SPOF-002", *_MM_MONGODB),
        "MM-3": (("SPOF-001", ("compose-review-service",)), ("SPOF-002", ("compose-review-memcached",))),
        "MM-4": (("MS-002", ("movie-id-service",)),),
        "MM-5": (("SPOF-001", ("review-storage-service",)),),
        "MM-6": _each("SPOF-002", "rating-redis", "user-review-redis", "movie-review-redis"),
        "MM-7": _each("HC-001", *_MM_SERVICES),
    },
    "teastore": {
        "TS-1": (("SPOF-002", ("teastore-registry",)),),
        "TS-2": (("SPOF-002", ("teastore-db",)),),
        "TS-3": (("SPOF-001", ("teastore-persistence",)),),
        "TS-4": (*_each("SPOF-001", *_TS_SERVICES), *_each("SPOF-002", "teastore-registry", "teastore-db")),
        "TS-5": _each("HC-001", *_TS_SERVICES),
    },
}

_NO_TRAFFIC = "CACHE-001 needs a read load (≥ 1 000 reads/s or utilization > 60 %); the facts state no traffic"
_NO_COLD_LOAD = ("CACHE-005 reports a single cache whose callers fall back to the store only when the store cannot "
                 "take the reads the cache absorbs (capacity.cold_store_utilization ≥ 1); the facts state no traffic "
                 "or capacity, so the cold load cannot be computed")

NOT_DETECTED: dict[str, str] = {
    "SS-5": "the order chain is 3 hops below front-end (MS-002 reports > 3) and its calls state 5 s timeouts",
    "SS-6": "no rule reports a single fixed replica without autoscaling (AS-001 wants ≥ 2 replicas and a "
            "peak/average ratio); an HPA that targets a missing Deployment or needs Heapster cannot be written",
    "SS-8": _NO_TRAFFIC,
    "SN-4": "compose-post fans out to 7 services (MS-008 reports ≥ 10); an async path that is configured but "
            "not deployed cannot be written",
    "HR-4": "the chain is 3 hops deep (MS-002 reports > 3); no rule adds up sequential calls (parallel: false) "
            "without stated latencies",
    "HR-5": _NO_TRAFFIC,
    "HR-6": _NO_COLD_LOAD,
    "SN-6": _NO_COLD_LOAD,
    "TS-6": "webui fans out to 4 services plus the registry (MS-008 reports ≥ 10) and the chain "
            "webui -> auth -> persistence -> db is 3 hops (MS-002 reports > 3)",
}

GAPS: dict[str, str] = {
    "SS-1": "the single queue-master (an asynchronous worker) is not reported",
    "SS-2": "no volume for the data directory cannot be written (ephemeral storage)",
    "SS-7": "no PDB and no resource limits cannot be written; HC-001 ignores workers (queue-master) and stores",
    "SS-9": "queue-master's mount of the host's Docker socket cannot be written",
    "SN-2": "ephemeral storage cannot be written; no read replicas for read-heavy timelines needs traffic",
    "SN-3": "a Redis without persistence cannot be written (ephemeral storage)",
    "SN-5": "the deep chain is not reported: 3 hops below compose-post-service (MS-002 reports > 3)",
    "SN-7": "no autoscaling and no resource limits are not reported; nor that everything waits on one jaeger",
    "HR-2": "review/attractions with a fixed container_name are written as scaling: vertical-only; no rule reads it",
    "HR-8": "no autoscaling and no resource limits are not reported",
    "MM-2": "ephemeral storage cannot be written",
    "MM-3": "the fan-in of 5 (write hotspot) and the in-flight state in a cache are not reported as such",
    "MM-6": "a Redis without persistence cannot be written (ephemeral storage)",
    "MM-7": "no autoscaling, no resource limits and no depends_on ordering are not reported",
    "TS-2": "no persistent volume cannot be written",
    "TS-4": "no HPA and no PDB are not reported; dead Helm autoscaling values cannot be written",
    "TS-5": "no resource requests or limits cannot be written",
}

SYSTEMS = sorted(DETECTED)
CASES = [(system, finding) for system in SYSTEMS for finding in sorted(DETECTED[system])]


@lru_cache(maxsize=None)
def _reported(system: str) -> frozenset[Pair]:
    report = check(ARCHITECTURES / f"{system}.yaml")
    return frozenset((f.rule_id, tuple(f.subjects)) for f in report.findings)


@pytest.mark.parametrize(("system", "finding"), CASES, ids=[finding for _, finding in CASES])
def test_expected_finding_is_reported(system: str, finding: str) -> None:
    missing = sorted(set(DETECTED[system][finding]) - _reported(system))
    assert not missing, f"{finding}: {system} lacks {missing}"


def test_a_finding_is_either_detected_or_explained() -> None:
    detected = {finding for findings in DETECTED.values() for finding in findings}
    assert not detected & set(NOT_DETECTED)
    assert set(GAPS) <= detected


@pytest.mark.parametrize("system", SYSTEMS)
def test_every_expected_finding_of_the_facts_is_accounted_for(system: str) -> None:
    facts_file = SHARED / "realworld" / system / "neutral-facts.json"
    if not facts_file.is_file():
        pytest.skip(f"{facts_file} is not available")
    expected = {item["id"] for item in json.loads(facts_file.read_text(encoding="utf-8"))["expected_findings"]}
    prefix = next(iter(expected)).split("-")[0] + "-"
    accounted = set(DETECTED[system]) | {key for key in NOT_DETECTED if key.startswith(prefix)}
    assert accounted == expected
