"""The cost estimate of `postdrop run`: AWS's pricing rules applied to counted work."""

from __future__ import annotations

import pytest

from postdrop_tools.cost import (
    PER_INVOCATION_LOG_BYTES,
    PRICES,
    TRACED_LOG_BYTES,
    billed_item_bytes,
    estimate_cost,
    floor_cost,
)  # fmt: skip


def test_each_service_is_priced_by_its_own_unit() -> None:
    # Given 10 posts: 10 parses of 100.2 ms, one store batch of 50 ms, 2.5 KB items
    estimate = estimate_cost(
        posts=10,
        calls={"s3.GetObject": 10, "sqs.SendMessageBatch": 10, "dynamodb.UpdateItem": 10, "sns.PublishBatch": 1},
        entries={"sns.PublishBatch": 10, "dynamodb.TransactWriteItems": 10},
        invocations={"ParseFunction": [100.2] * 10, "StoreFunction": [50.0]},
        polled_batches=1,  # the store batch, from StoreQueue
        memory_mb={"ParseFunction": 1024, "StoreFunction": 512},
        item_kbs=[2.5],
        traced={"ParseFunction": True, "StoreFunction": True},  # Tracing: Active
    )
    # Then Lambda bills whole ms per GB, DynamoDB 3 WRU per write (and 1 in the index) and 6 per told mark,
    # SNS each entry of a batch, SQS the sends plus the poller's receive and delete
    lam = 11 * PRICES["lambda_request"] + (10 * 101 / 1000 * 1.0 + 50 / 1000 * 0.5) * PRICES["lambda_gb_second_arm64"]
    expected = {
        "lambda": lam,
        "s3": 10 * PRICES["s3_put"] + 10 * PRICES["s3_get"],
        "sqs": (10 + 2) * PRICES["sqs_request"],
        "dynamodb": (10 * 3 + 10 * 6 + 10) * PRICES["dynamodb_write_unit"],  # + the index, 1 unit a write
        "sns": 10 * PRICES["sns_publish"],
        # 11 invocations' platform and metrics lines, CloudWatch Logs by the GiB; X-Ray records each invocation
        "logs": 11 * (PER_INVOCATION_LOG_BYTES + TRACED_LOG_BYTES) / 2**30 * PRICES["logs_ingested_gb"],
        "xray": 11 * PRICES["xray_trace"],
    }
    # scaled to 1,000 posts
    assert estimate.breakdown == pytest.approx({k: v * 100 for k, v in expected.items()}, abs=1e-6)
    assert estimate.usd_per_1000_posts == pytest.approx(sum(expected.values()) * 100, abs=1e-5)
    assert "per 1,000 posts" in estimate.line() and estimate.prices_as_of in estimate.line()


def test_a_read_before_each_write_is_billed() -> None:
    base = {"posts": 1, "entries": {}, "invocations": {}, "polled_batches": 0, "memory_mb": {}, "item_kbs": [5.0]}
    with_read = estimate_cost(calls={"dynamodb.GetItem": 1, "dynamodb.PutItem": 1}, **base)  # type: ignore[arg-type]
    without = estimate_cost(calls={"dynamodb.PutItem": 1}, **base)  # type: ignore[arg-type]
    assert with_read.breakdown["dynamodb"] - without.breakdown["dynamodb"] == pytest.approx(
        2 * PRICES["dynamodb_read_unit"] * 1000, abs=1e-9
    )


def test_a_batch_read_is_billed_by_the_items_it_reads() -> None:
    base = {"posts": 1, "invocations": {}, "polled_batches": 0, "memory_mb": {}, "item_kbs": [5.0]}
    batched = estimate_cost(calls={"dynamodb.BatchGetItem": 1}, entries={"dynamodb.BatchGetItem": 3}, **base)  # type: ignore[arg-type]
    one_by_one = estimate_cost(calls={"dynamodb.GetItem": 3}, entries={}, **base)  # type: ignore[arg-type]
    assert batched.breakdown["dynamodb"] > 0
    assert batched.breakdown["dynamodb"] == pytest.approx(one_by_one.breakdown["dynamodb"], abs=1e-12)


def test_log_lines_and_traces_are_billed_by_what_the_template_turns_on() -> None:
    base = {"posts": 1, "calls": {}, "entries": {}, "invocations": {"ParseFunction": [10.0]}, "polled_batches": 0,
            "memory_mb": {}, "item_kbs": [1.0]}  # fmt: skip
    quiet = estimate_cost(**base, traced={"ParseFunction": False})  # type: ignore[arg-type]
    chatty = estimate_cost(**base, log_bytes=2**30, traced={"ParseFunction": True})  # type: ignore[arg-type]  # a GiB of lines
    assert quiet.breakdown["xray"] == 0.0
    assert chatty.breakdown["xray"] == pytest.approx(1000 * PRICES["xray_trace"])
    assert chatty.breakdown["logs"] - quiet.breakdown["logs"] == pytest.approx(1000 * PRICES["logs_ingested_gb"])


def test_the_floor_is_the_calls_every_design_makes_and_each_post_writes_its_own_kb() -> None:
    # Two posts of 0.5 KB and 2.2 KB compressed: 1 + 3 write units, billed per write
    floor = floor_cost([0.5, 2.2], batch_size=10)
    assert floor.write_units_per_post == 2.0
    p = PRICES
    per_post = {
        "lambda": 1.1 * p["lambda_request"],  # ParseFunction per event, StoreFunction per batch of 10
        "s3": p["s3_put"] + p["s3_get"],  # the producer's PUT, one GET
        "sqs": 1.2 * p["sqs_request"],  # one message sent; the poller's receive and delete per batch
        "dynamodb": 2 * p["dynamodb_write_unit"],
        "sns": p["sns_publish"],
    }
    assert floor.breakdown == pytest.approx({k: 1000 * v for k, v in per_post.items()}, abs=1e-6)
    assert floor.usd_per_1000_posts == pytest.approx(sum(floor.breakdown.values()), abs=1e-6)
    assert "logs" not in floor.breakdown and "xray" not in floor.breakdown  # what a design turns on is its own cost


def test_an_item_is_billed_by_dynamodbs_own_size_rules() -> None:
    from decimal import Decimal

    item = {
        "post_id": "a",  # 7 + 1
        "rev": Decimal(12345),  # 3 + (5 digits + 1) // 2 + 1 = 3 + 4
        "ok": True,  # 2 + 1
        "post_zlib": b"x" * 100,  # 9 + 100
        "tags": ["ab", "c"],  # 4 + 3 + (1 + 2) + (1 + 1)
        "origin": {"key": "k"},  # 6 + 3 + 1 + 3 + 1
    }
    assert billed_item_bytes(item) == 8 + 7 + 3 + 109 + 12 + 14


def test_each_write_is_billed_by_its_own_items_rounded_up_kb() -> None:
    base = {"posts": 2, "entries": {}, "invocations": {}, "polled_batches": 0, "memory_mb": {}}
    two_sizes = estimate_cost(calls={"dynamodb.PutItem": 2}, item_kbs=[0.9, 1.1], **base)  # type: ignore[arg-type]
    # 1 and 2 units (mean 1.5 a write), and one unit of the index each: not ceil(mean 1.0 KB) = 1
    assert two_sizes.write_units_per_post == 2.5
