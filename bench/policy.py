"""Policy engine at scale: one decision with 50 extra policy documents loaded, and the catalog
search over 100,000 datasets filtered by the policies against the same search unfiltered.

It creates its own database on the server of BENCH_DATABASE_URL (default: the server of
DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres), migrates it (which loads the
shipped policies/), adds 50 generated policy documents through the same validation as
`manage.py policies_load`, loads the catalog with COPY (bench/search.py's generator), and drops
the database again. Not a test: run it by hand.

    .venv/bin/python bench/policy.py [--assets 100000] [--decisions 5000] [--repeat 5]

Figures:
  decision_*   one evaluation with the input prepared: the policy-version check (shared cache)
               and the compiled bundle, p50/p99 in microseconds (the bundle alone is printed
               too); decide_* is the whole decide() call, with the database reads of the
               user's grants and the asset's attributes.
  p95_ratio    filtered search p95 / unfiltered search p95 (the same `asset_search`, once with
               Asset.objects.visible_to and once with only the status filter).
The last line holds the figures as key=value pairs.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import search as search_bench  # noqa: E402  (bench/ is run as a script)

EXTRA_POLICIES = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--columns-per-asset", type=int, default=5)
    parser.add_argument("--decisions", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    server_url = os.environ.get("BENCH_DATABASE_URL") or _server_of(
        os.environ.get("DATABASE_URL", search_bench.DEFAULT_URL)
    )
    name = f"wb_bench_policy_{os.getpid()}"
    search_bench._admin_sql(server_url, f'CREATE DATABASE "{name}"')
    try:
        search_bench._setup_django(search_bench._with_database(server_url, name))
        figures = run(args)
    finally:
        search_bench._close_django()
        if os.environ.get("BENCH_KEEP_DATABASE"):
            print(f"kept database {name}")
        else:
            search_bench._admin_sql(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


def _server_of(url: str) -> str:
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return search_bench.DEFAULT_URL
    return search_bench._with_database(url, "postgres")


def run(args: argparse.Namespace) -> dict[str, Any]:
    loaded = _load_extra_policies(EXTRA_POLICIES)
    rng = random.Random(20261122)
    people = search_bench._load_people()
    started = time.perf_counter()
    search_bench._load_catalog(rng, args.assets, args.columns_per_asset, people)
    _check_access_classes()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"loaded {args.assets:,} assets in {time.perf_counter() - started:.0f} s")
    evaluate_us, decide_us = _decision_latency(people, args.decisions)
    _report_us("decision (bundle)", evaluate_us)
    _report_us("decide() whole", decide_us)
    filtered, unfiltered, visible = _search_latency(people["steward"], args.repeat)
    ratio = search_bench._p95(filtered) / search_bench._p95(unfiltered)
    return {
        "policy_documents": loaded,
        "assets": args.assets,
        "visible_to_analyst": visible,
        "decision_p50_us": round(statistics.median(evaluate_us)),
        "decision_p99_us": round(_p99(evaluate_us)),
        "decide_p50_us": round(statistics.median(decide_us)),
        "decide_p99_us": round(_p99(decide_us)),
        "unfiltered_p95_ms": search_bench._ms(search_bench._p95(unfiltered)),
        "filtered_p95_ms": search_bench._ms(search_bench._p95(filtered)),
        "p95_ratio": round(ratio, 2),
    }


# --- 50 more policy documents -----------------------------------------------------------------


def _extra_policy(n: int) -> str:
    """A realistic extra rule: department- or region-scoped denies and allows, as teams add."""
    domain, department = f"domain-{n % 30}", f"dept-{n}"
    kind = n % 3
    if kind == 0:
        body = (
            f'denies contains {{"rule": "extra{n}.deny.department", "reason": "Domain {n} data '
            f'is for department {n}."}} if {{\n'
            f'\tinput.resource.domain == "{domain}"\n'
            f"\tinput.resource.classification == 3\n"
            f'\tinput.subject.department == "{department}-blocked"\n'
            "}\n"
        )
    elif kind == 1:
        body = (
            f'allows contains {{"rule": "extra{n}.allow.department", "reason": "Department {n} '
            f'reads domain {n}."}} if {{\n'
            f'\tinput.action == "query"\n'
            f'\tinput.resource.domain == "{domain}"\n'
            f'\tinput.subject.department == "{department}"\n'
            "}\n"
        )
    else:
        body = (
            f'denies contains {{"rule": "extra{n}.deny.region", "reason": "Rule {n}: no export '
            f'outside the region."}} if {{\n'
            f'\tinput.action == "export"\n'
            f'\tinput.resource.domain == "{domain}"\n'
            f'\tinput.subject.region == "APAC-{n}"\n'
            "}\n"
        )
    return f"package workbench.access\n\nimport rego.v1\n\n# Generated rule {n}.\n{body}"


def _load_extra_policies(count: int) -> int:
    from workbench.governance.models import Policy
    from workbench.governance.policy.documents import folder_sources, policies_load

    folder = Path(tempfile.mkdtemp(prefix="wb-bench-policies-"))
    for name, text in folder_sources().items():
        (folder / name).write_text(text, encoding="utf-8")
    for n in range(count):
        (folder / f"extra_{n:02d}.rego").write_text(_extra_policy(n), encoding="utf-8")
    started = time.perf_counter()
    report = policies_load(directory=folder, loaded_from="command")
    if report.problems:
        raise SystemExit("; ".join(map(str, report.problems[:5])))
    print(
        f"validated and loaded {len(report.created)} documents "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return Policy.objects.count()


def _check_access_classes() -> None:
    """bench/search.py writes each row's policy attribute class, as the catalog services do."""
    from catalog.models import Asset

    missing = Asset.objects.filter(access_class="").count()
    if missing:
        raise SystemExit(f"{missing} assets have no policy attribute class")


# --- measuring -----------------------------------------------------------------------------------


def _decision_latency(people: dict[str, Any], count: int) -> tuple[list[float], list[float]]:
    from catalog.models import Asset
    from workbench.governance.actions import Action
    from workbench.governance.policy import decide, engine
    from workbench.governance.policy.attributes import subject_attributes

    rng = random.Random(7)
    user = people["steward"]
    assets = list(Asset.objects.select_related("source", "domain").order_by("?")[:200])
    actions = [action.value for action in Action]
    subject = subject_attributes(user)
    documents = []
    for _ in range(count):
        asset = rng.choice(assets)
        documents.append(
            engine.policy_input(
                subject=subject,
                action=rng.choice(actions),
                resource={
                    "id": asset.pk,
                    "classification": asset.classification,
                    "domain": asset.domain.code if asset.domain else "",
                    "residency": asset.source.residency,
                    "is_certified": asset.is_certified,
                    "pii_kinds": [],
                    "status": asset.status,
                },
                steward=rng.random() < 0.1,
                grants=[],
                context={"purpose": "", "purpose_category": "", "time": "2026-11-22T10:00:00Z"},
            )
        )
    engine.evaluate(documents[0])  # compile once
    evaluate_us = []
    for document in documents:
        started = time.perf_counter()
        engine.evaluate(document)  # the version-stamp check (shared cache) and the bundle
        evaluate_us.append((time.perf_counter() - started) * 1e6)
    policies, _ = engine.compiled_policies()
    bundle_us = []
    for document in documents:
        started = time.perf_counter()
        policies.evaluate(document)
        bundle_us.append((time.perf_counter() - started) * 1e6)
    _report_us("bundle alone", bundle_us)
    decide_us = []
    for _ in range(min(count, 1000)):
        asset, action = rng.choice(assets), rng.choice(actions)
        started = time.perf_counter()
        decide(user=user, action=action, asset=asset)
        decide_us.append((time.perf_counter() - started) * 1e6)
    return evaluate_us, decide_us


def _search_latency(user: Any, repeat: int) -> tuple[list[float], list[float], int]:
    from catalog.models import Asset, AssetQuerySet, AssetStatus

    visible = Asset.objects.visible_to(user).count()
    print(f"the analyst-steward may discover {visible:,} assets")
    filtered = search_bench._time_queries(user, False, repeat)
    search_bench._report("filtered   page ", filtered)
    policy_filter = AssetQuerySet.visible_to

    def status_only(self: Any, user: Any, action: str = "discover", **kwargs: Any) -> Any:
        return self.filter(status=AssetStatus.ACTIVE)

    AssetQuerySet.visible_to = status_only  # type: ignore[method-assign]
    try:
        unfiltered = search_bench._time_queries(user, False, repeat)
    finally:
        AssetQuerySet.visible_to = policy_filter  # type: ignore[method-assign]
    search_bench._report("unfiltered page ", unfiltered)
    return filtered, unfiltered, visible


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[98]


def _report_us(label: str, values: list[float]) -> None:
    print(f"{label:18} p50 {statistics.median(values):8.0f} us   p99 {_p99(values):8.0f} us")


if __name__ == "__main__":
    main()
