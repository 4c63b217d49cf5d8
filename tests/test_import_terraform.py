"""Terraform (HCL and `terraform show -json`) → architecture: every mapping, and each refused input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scalexpert.errors import InputError, UsageError
from scalexpert.importers import detect, import_paths

FIXTURES = Path(__file__).parent / "fixtures" / "import" / "terraform"
SHOP = str(FIXTURES / "shop")
PLAN = str(FIXTURES / "plan" / "plan.json")


@pytest.fixture(scope="module")
def shop() -> Any:
    return import_paths([SHOP])


def _edges(raw: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(d["from"], d["to"]): d for d in raw["dependencies"]}


def test_terraform_is_recognised_by_content() -> None:
    assert detect(SHOP) == "terraform"
    assert detect(PLAN) == "terraform"


def test_resources_become_components_of_their_kind(shop: Any) -> None:
    kinds = {name: c["kind"] for name, c in shop.raw["components"].items()}
    assert kinds == {
        "api": "service", "batch": "service", "carts": "database", "events": "queue", "events-dlq": "queue",
        "events-queue": "queue", "jobs": "queue", "main": "database", "orders": "database", "orders-queue": "queue",
        "profiles": "database", "resize": "function", "search": "search", "sessions": "cache",
        "sessions-cache": "cache", "site": "cdn", "web": "load-balancer", "workers": "service", "www": "dns"}


def test_databases_multi_az_cluster_instances_and_instance_class(shop: Any) -> None:
    components = shop.raw["components"]
    main = components["main"]  # multi_az = var.multi_az: false by default, true in prod.tfvars
    assert (main["replicas"], main["zones"], main["data"]["replication"]["failover"]) == (2, 2, "automatic")
    assert "burstable" in main["description"] and main["technology"] == "RDS postgres db.t3.medium"
    orders = components["orders"]  # two aws_rds_cluster_instance (count = 2)
    assert orders["replicas"] == 2 and orders["data"]["replication"]["read_replicas"] == 1


def test_caches_groups_and_services_scale_as_stated(shop: Any) -> None:
    components = shop.raw["components"]
    assert components["sessions"]["replicas"] == 2 and components["sessions"]["zones"] == 2
    workers = components["workers"]  # desired_capacity = var.worker_count = 4 from prod.tfvars
    assert (workers["replicas"], workers["zones"], workers["autoscaling"]) == (4, 3, {"min": 2, "max": 6})
    api = components["api"]  # a local module, read with the call's arguments
    assert (api["replicas"], api["autoscaling"], api["resources"]["cpu_limit"]) == (3, {"min": 3, "max": 12}, 0.5)


def test_queues_tables_functions_brokers_and_search(shop: Any) -> None:
    components = shop.raw["components"]
    assert components["jobs"]["messaging"] == {"dead_letter_queue": False, "visibility_timeout_s": 60,
                                              "delivery": "at-least-once", "durable": True}
    assert components["events"]["messaging"]["max_receive_count"] == 5
    assert components["events-dlq"]["description"] == "Dead-letter queue of events."
    assert "dead_letter_queue" not in components["events-dlq"].get("messaging", {})
    assert components["carts"]["data"]["write_capacity_rps"] == 50
    assert "on-demand" in components["profiles"]["description"] and components["profiles"]["regions"] == 2
    assert components["resize"]["function"] == {"timeout_s": 30, "reserved_concurrency": 10}
    assert (components["events-queue"]["replicas"], components["events-queue"]["zones"]) == (2, 2)
    assert (components["search"]["replicas"], components["search"]["zones"]) == (3, 3)


def test_only_stated_links_become_dependencies(shop: Any) -> None:
    edges = _edges(shop.raw)
    assert set(edges) == {("api", "jobs"), ("api", "main"), ("resize", "jobs"), ("site", "web"), ("web", "workers"),
                          ("www", "site")}
    assert edges[("api", "main")]["protocol"] == "sql" and edges[("api", "jobs")]["mode"] == "async"
    assert shop.raw["system"]["entry_points"] == ["www"]  # the DNS record in front of the CDN in front of the balancer
    notes = " ".join(shop.notes)
    assert "nothing in these files says what batch, workers call; no dependency was invented" in notes
    assert "module mystery (main.tf:24) from acme/mystery/aws is not read" in notes
    assert "keeps the defaults of terraform-aws-modules/elasticache/aws" in notes
    assert "aws_nat_gateway egress (main.tf:162): 1 NAT gateway(s), one zone for all the subnets routed to it" in notes


def test_comments_say_where_each_value_was_read(shop: Any) -> None:
    assert "replicas: 4  # desired_capacity = 4 (main.tf:52)" in shop.yaml_text
    assert "# module api (main.tf:9) passes main (main.tf:28) to the aws_ecs_service it creates" in shop.yaml_text


def test_a_plan_gives_components_without_dependencies() -> None:
    result = import_paths([PLAN])
    assert set(result.raw["components"]) == {"queues-this", "users"}
    assert result.raw["components"]["users"]["replicas"] == 1
    assert result.raw["dependencies"] == []
    assert any("no dependency can be read from it" in note for note in result.notes)  # no configuration section


def test_refused_inputs(tmp_path: Path) -> None:
    broken = tmp_path / "main.tf"
    broken.write_text('resource "aws_sqs_queue" "q" {\n  name = \n}\n')
    with pytest.raises(InputError) as caught:
        import_paths([str(broken)])
    assert "HCL syntax error" in caught.value.diagnostics[0].message
    broken.write_text('variable "region" {\n  default = "eu-west-1"\n}\n')
    with pytest.raises(InputError) as caught:
        import_paths([str(broken)])
    assert "no resources of the kinds scalexpert reads" in caught.value.diagnostics[0].message
    with pytest.raises(InputError) as caught:
        import_paths([PLAN, str(FIXTURES / "shop" / "main.tf")])
    assert "on its own" in caught.value.diagnostics[0].message


def test_a_directory_walk_passes_over_files_that_are_no_source(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_sqs_queue" "jobs" {\n}\n')
    (tmp_path / "SOURCE.txt").write_text("Copied from: somewhere\nLicence: MIT: see LICENSE\n")
    (tmp_path / "package.json").write_text('{"name": "tool"}')
    result = import_paths([str(tmp_path)])
    assert set(result.raw["components"]) == {"jobs"}
    assert result.raw["components"]["jobs"]["messaging"]["delivery"] == "at-least-once"
    assert result.sources == [str(tmp_path / "main.tf")]


def test_managed_means_redundant_across_zones(shop: Any) -> None:
    components = shop.raw["components"]
    assert components["jobs"]["managed"] is True and components["main"]["managed"] is True  # Multi-AZ
    assert "managed" not in components["api"] and "managed" not in components["events-queue"]


def test_terraform_beside_compose_is_merged_into_one_system(tmp_path: Path) -> None:
    compose = tmp_path / "docker-compose.yml"
    compose.write_text("services:\n  web:\n    image: nginx\n")
    result = import_paths([str(compose), PLAN])
    assert {"web", "users", "queues-this"} <= set(result.raw["components"])


def test_the_command_line_imports_and_checks_raw_terraform(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "scalexpert", "import", SHOP, "-o", str(tmp_path / "a.yaml")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "wrote" in done.stderr and "no dependency was invented" in done.stderr
    done = subprocess.run([sys.executable, "-m", "scalexpert", "check", str(FIXTURES / "shop" / "main.tf"),
                           "--format", "json"], capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr
    assert '"workers"' in done.stdout
