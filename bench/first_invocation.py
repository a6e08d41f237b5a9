"""Each function's first invocation end to end, as deployed, at its memory size's CPU share.

    python -m bench.first_invocation [--rounds N] [--against REF] [--post FILE] [--json] [--port N]
    python -m bench.first_invocation --instructions [--against REF] [--port N]   needs valgrind

What is measured: a fresh `python -S` process per function with only the bench's layer
(bench/layer.py) and the function folder importable and the function's environment from
the template (LAMBDA_TASK_ROOT set; log level, metrics and tracing as deployed), against a
moto server on 127.0.0.1 that this module starts and stops, provisioned as `postdrop run`
provisions it. Init is ``import app`` (the handler module and whatever it makes at load);
then two invocations: the first event (the cold start's) and a second (warm). ParseFunction
gets one S3 event per invocation for a corpus post just uploaded under a fresh key; StoreFunction
the envelope each of those produced, one SQS record per invocation, so it does a real first
write every time; PublishFunction the stream record of each of those writes (the table's
stream read as Lambda's event source delivers it, one record per invocation), so it publishes
a real notification every time.

The model of Lambda's CPU: init runs at a full core (the issue's premise: Lambda boosts
init), so it runs unlimited and counts as its CPU time, which is what an idle core would take
(init waits on nothing but cached files; on this shared machine its wall time mostly
measures the other jobs); each invocation runs at ``memory / 1769`` of one core
(bench/cpu_limit.py says how it is held there) and counts as its wall time, the moto
server's answers included. Interpreter start-up before ``import app``
is in neither figure, for postdrop or the floor.

The floor: a process that imports the mandated packages (boto3, aws-lambda-powertools,
pydantic) and whose handler does nothing, measured the same way. A first invocation is
held to 1.25x the floor.

Cost: AWS bills init since August 2025, at the duration rate. $ per cold start is
(init + first invocation) x MemorySize at arm64's us-east-1 price, plus the request.

With --instructions, each init (and the floor's) is counted in instructions instead, which a
busy machine does not move: one fresh `python -S` process per function, as above, under
callgrind (with PYTHONHASHSEED=0), from interpreter start to the end of init (the process then
leaves with os._exit, skipping the interpreter's exit); nothing is invoked.

Rounds alternate every process kind (the floor, each function, each variant, at each
share), and figures are medians, because this machine is shared. ``--against REF`` adds
the functions and the postdrop package of a git ref (e.g. main) as a second variant, on the
same layer, side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import cpu_limit, layer  # noqa: E402

__all__ = ["MEMORY_SIZES", "Figures", "count_init", "measure"]

_CHILD = Path(__file__).with_name("first_child.py")
MEMORY_SIZES = (128, 192, 256, 512)
FUNCTIONS = {"parse": "ParseFunction", "store": "StoreFunction", "publish": "PublishFunction"}
# arm64, us-east-1 list prices: duration per GB-second (first tier) and per request.
USD_PER_GB_S = 0.0000133334
USD_PER_REQUEST = 0.20 / 1_000_000
_FLOOR_APP = """import boto3, pydantic, aws_lambda_powertools
from pydantic import BaseModel


def lambda_handler(event, context):
    return None
"""


@dataclass
class Figures:
    """Medians in ms, by variant ("postdrop", or the --against ref) and function."""

    method: str
    rounds: int
    post_bytes: int
    floor_init: list[float] = field(default_factory=list)  # CPU ms (see the module's docstring)
    floor_init_wall: list[float] = field(default_factory=list)
    floor_event: dict[int, list[float]] = field(default_factory=dict)
    init: dict[str, dict[str, list[float]]] = field(default_factory=dict)  # CPU ms
    init_wall: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    first: dict[str, dict[str, dict[int, list[float]]]] = field(default_factory=dict)
    warm: dict[str, dict[str, dict[int, list[float]]]] = field(default_factory=dict)
    first_cpu: dict[str, dict[str, dict[int, list[float]]]] = field(default_factory=dict)  # of the wall above
    warm_cpu: dict[str, dict[str, dict[int, list[float]]]] = field(default_factory=dict)

    def floor(self, memory_mb: int) -> float:
        return statistics.median(self.floor_init) + statistics.median(self.floor_event[memory_mb])

    def total(self, variant: str, function: str, memory_mb: int) -> float:
        """Init at a full core, then the first invocation at the memory's share."""
        return statistics.median(self.init[variant][function]) + statistics.median(
            self.first[variant][function][memory_mb]
        )

    def cold_start_usd(self, variant: str, function: str, memory_mb: int) -> float:
        seconds = self.total(variant, function, memory_mb) / 1000
        return seconds * memory_mb / 1024 * USD_PER_GB_S + USD_PER_REQUEST

    def warm_usd(self, variant: str, function: str, memory_mb: int) -> float:
        seconds = statistics.median(self.warm[variant][function][memory_mb]) / 1000
        return seconds * memory_mb / 1024 * USD_PER_GB_S + USD_PER_REQUEST

    def public(self) -> dict[str, Any]:
        med = statistics.median
        out: dict[str, Any] = {
            "method": self.method, "period_us": cpu_limit.PERIOD_US, "rounds": self.rounds,
            "post_bytes": self.post_bytes, "floor_init_cpu_ms": med(self.floor_init),
            "floor_init_wall_ms": med(self.floor_init_wall),
            "floor_ms": {mb: self.floor(mb) for mb in self.floor_event}, "variants": {},
        }  # fmt: skip
        for variant, functions in self.init.items():
            out["variants"][variant] = {
                function: {
                    "init_cpu_ms": med(samples),
                    "init_wall_ms": med(self.init_wall[variant][function]),
                    "by_memory_mb": {
                        mb: {
                            "first_event_ms": med(self.first[variant][function][mb]),
                            "first_event_cpu_ms": med(self.first_cpu[variant][function][mb]),
                            "warm_event_ms": med(self.warm[variant][function][mb]),
                            "warm_event_cpu_ms": med(self.warm_cpu[variant][function][mb]),
                            "first_invocation_ms": self.total(variant, function, mb),
                            "ratio_to_floor": self.total(variant, function, mb) / self.floor(mb),
                            "usd_per_cold_start": self.cold_start_usd(variant, function, mb),
                            "usd_per_warm_invocation": self.warm_usd(variant, function, mb),
                        }
                        for mb in self.first[variant][function]
                    },
                }
                for function, samples in functions.items()
            }
        return out


_WRITE_DATA = """import sys
shared, lay = sys.argv[1:3]
sys.path[:0] = [shared, lay]
from pathlib import Path
try:
    from postdrop.aws import write_botocore_data
except ImportError:
    raise SystemExit(0)  # a ref from before the layer held botocore data
write_botocore_data(Path(lay, "botocore"), Path(shared, "postdrop", "botocore-data"))
"""


def _variant_path(ref: str) -> list[Path]:
    """The postdrop package and functions of git ``ref``, compiled as the layer is, in .bench/against/."""
    root = layer.ROOT / "against" / ref.replace("/", "_")
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    git = shutil.which("git") or "git"
    archive = subprocess.run([git, "archive", ref, "shared/postdrop", "functions"], cwd=REPO,
                             capture_output=True, check=True).stdout  # fmt: skip
    with tempfile.TemporaryFile() as tmp:
        tmp.write(archive)
        tmp.seek(0)
        with tarfile.open(fileobj=tmp) as tar:
            tar.extractall(root, filter="data")
    import compileall

    # as its layer's build would: the botocore data that ref's postdrop writes, from the layer's botocore
    # (not in git; without it the ref's clients would read botocore's own, whole data)
    subprocess.run(
        [sys.executable, "-S", "-c", _WRITE_DATA, str(root / "shared"), str(layer.LAYER)], check=True,
        env={"PATH": os.environ.get("PATH", "")},
    )  # fmt: skip
    for folder in (root / "shared", root / "functions"):
        compileall.compile_dir(folder, quiet=1, force=True, invalidation_mode=layer._UNCHECKED)
    return [root / "shared", root / "functions"]


def _environments(stack: Any) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The floor's environment, and each function's from the template, as deployed."""
    from postdrop_tools.runtime import process_environment

    base = process_environment(stack, quiet=False) | {"PATH": os.environ.get("PATH", "")}
    base |= {k: v for k, v in os.environ.items() if k == "BENCH_PROFILE"}
    return base, {
        name: base | stack.functions[logical].env | {"LAMBDA_TASK_ROOT": str(layer.FUNCTIONS / name)}
        for name, logical in FUNCTIONS.items()
    }


def _variants(against: str | None) -> tuple[Path, dict[str, tuple[Path, list[Path]]]]:
    """The layer, and by variant ("postdrop": this tree; the --against ref) its functions and path."""
    lay = layer.build()
    (layer.FUNCTIONS / "floor").mkdir(exist_ok=True)
    (layer.FUNCTIONS / "floor" / "app.py").write_text(_FLOOR_APP, encoding="utf-8")
    variants: dict[str, tuple[Path, list[Path]]] = {"postdrop": (layer.FUNCTIONS, [lay])}
    if against:
        shared, functions = _variant_path(against)
        variants[against] = (functions, [shared, lay])
    return lay, variants


# init, then out at once (os._exit): the floor's exit would collect all its imports made, which a
# function's, frozen at the end of init (aws.end_of_init), skips: some 55 million instructions
_INIT_ONLY = "import sys; sys.path[:0] = sys.argv[1:]; import app; import os; os._exit(0)"


def count_init(against: str | None = None, port: int | None = None) -> dict[str, dict[str, int]]:
    """Instructions of each init, and the floor's, by variant and function: a fresh ``python -S``
    importing the handler, under callgrind, from start to the end of init."""
    from postdrop_tools.emulator import emulator
    from postdrop_tools.stack import provision

    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("bench.first_invocation: valgrind not found; install it (apt install valgrind)")
    lay, variants = _variants(against)
    counts: dict[str, dict[str, int]] = {}
    with emulator(port) as emu, tempfile.TemporaryDirectory() as tmp:
        base, envs = _environments(provision(emu))
        runs = [("floor", "floor", layer.FUNCTIONS / "floor", [lay], base)] + [
            (variant, name, functions_dir / name, paths, envs[name])
            for variant, (functions_dir, paths) in variants.items()
            for name in FUNCTIONS
        ]
        for variant, name, function_dir, paths, env in runs:
            out = Path(tmp, f"{variant}.{name}.out")
            subprocess.run(
                [valgrind, "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, "-S", "-c", _INIT_ONLY,
                 str(function_dir), *map(str, paths)],
                env=env | {"PYTHONHASHSEED": "0"}, cwd=tmp, capture_output=True, check=True,
            )  # fmt: skip
            totals = next(line for line in out.read_text(errors="replace").splitlines() if line.startswith("totals:"))
            counts.setdefault(variant, {})[name] = int(totals.split()[1])
    return counts


def _run_child(
    function_dir: Path, paths: list[Path], events: list[dict[str, Any]], env: dict[str, str], memory_mb: int
) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(events, f)
    read_fd, write_fd = os.pipe()
    try:
        child = subprocess.Popen(
            [sys.executable, "-S", str(_CHILD), str(function_dir), ":".join(map(str, paths)), f.name, str(write_fd)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env=env | {"BENCH_MEMORY_MB": str(memory_mb)}, pass_fds=(write_fd,),
        )  # fmt: skip
        os.close(write_fd)
        with os.fdopen(read_fd, encoding="utf-8") as report:
            ready = report.readline()
            if ready.strip() != "init":
                child.wait(timeout=60)
                raise RuntimeError(f"{function_dir.name}: init failed: {child.stderr.read().strip()[-2000:]}")  # type: ignore[union-attr]
            with cpu_limit.limited(child.pid, cpu_limit.share_of(memory_mb)):
                assert child.stdin is not None
                child.stdin.write("go\n")
                child.stdin.flush()
                line = report.readline()
                child.wait(timeout=600)
        if child.returncode != 0 or not line:
            raise RuntimeError(f"{function_dir.name} failed: {child.stderr.read().strip()[-2000:]}")  # type: ignore[union-attr]
        return json.loads(line)  # type: ignore[no-any-return]
    finally:
        os.unlink(f.name)


def _check(function: str, result: Any) -> None:
    """Each invocation did its job: the post queued, or stored with no failure."""
    if function == "parse" and not (isinstance(result, dict) and result.get("parsed") == 1):
        raise RuntimeError(f"parse handler did not queue the post: {result}")
    if function in ("store", "publish") and result != {"batchItemFailures": []}:
        raise RuntimeError(f"{function} handler failed: {result}")


def measure(rounds: int, post: Path, against: str | None = None, port: int | None = None) -> Figures:
    """Every kind of process, ``rounds`` times, alternating."""
    from postdrop_tools.emulator import emulator
    from postdrop_tools.events import s3_event
    from postdrop_tools.pipeline import sqs_record
    from postdrop_tools.stack import provision

    lay, variants = _variants(against)
    figures = Figures(method=cpu_limit.method(), rounds=rounds, post_bytes=post.stat().st_size)
    body = post.read_bytes()
    with emulator(port) as emu:
        stack = provision(emu)
        s3, sqs = stack.client("s3"), stack.client("sqs")
        bucket, queue = stack.ref("PostsBucket"), stack.ref("StoreQueue")
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        base, envs = _environments(stack)
        stream = TableStream(stack.client("dynamodbstreams"), stack.functions["PublishFunction"].stream_source or "")
        sequence = 0
        for _ in range(rounds):
            for mb in MEMORY_SIZES:
                floor = _run_child(layer.FUNCTIONS / "floor", [lay], [{}], base, mb)
                figures.floor_init.append(floor["init_cpu_ms"])
                figures.floor_init_wall.append(floor["init_wall_ms"])
                figures.floor_event.setdefault(mb, []).append(floor["invocations"][0]["wall_ms"])
                for variant, (functions_dir, paths) in variants.items():
                    events = []
                    for _ in range(2):
                        sequence += 1
                        key = f"posts/2026-01-01-bench-{sequence:06d}.md"
                        s3.put_object(Bucket=bucket, Key=key, Body=body)
                        events.append(s3_event(bucket, key, f"{sequence:016X}", size=len(body)))
                    parse = _run_child(functions_dir / "parse", paths, events, envs["parse"], mb)
                    records: list[dict[str, Any]] = []
                    while len(records) < 2:
                        messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1)
                        for m in messages.get("Messages", []):
                            records.append(sqs_record(m, queue_arn))
                            sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
                    store = _run_child(functions_dir / "store", paths, [{"Records": [r]} for r in records],
                                       envs["store"], mb)  # fmt: skip
                    ran = [("parse", parse), ("store", store)]
                    written = stream.announceable(2)  # what the two writes put on the table's stream
                    if (functions_dir / "publish").is_dir():  # a ref from before PublishFunction has none
                        stream_events = [{"Records": [r]} for r in written]
                        publish = _run_child(functions_dir / "publish", paths, stream_events, envs["publish"], mb)
                        ran.append(("publish", publish))
                    for name, got in ran:
                        for invocation in got["invocations"]:
                            _check(name, invocation["result"])
                        figures.init.setdefault(variant, {}).setdefault(name, []).append(got["init_cpu_ms"])
                        figures.init_wall.setdefault(variant, {}).setdefault(name, []).append(got["init_wall_ms"])
                        first, warm = got["invocations"]
                        _add(figures.first, variant, name, mb, first["wall_ms"])
                        _add(figures.first_cpu, variant, name, mb, first["cpu_ms"])
                        _add(figures.warm, variant, name, mb, warm["wall_ms"])
                        _add(figures.warm_cpu, variant, name, mb, warm["cpu_ms"])
    return figures


class TableStream:
    """PostsTable's stream, read from where the last read ended, as Lambda's event source reads it."""

    def __init__(self, client: Any, arn: str) -> None:
        self.client, self.arn = client, arn
        self.shard = ""
        self.checkpoint: str | None = None

    def announceable(self, count: int) -> list[dict[str, Any]]:
        """The next ``count`` records whose write PublishFunction announces, in the shape Lambda
        delivers them (the other records, a marker's say, are passed over, as the function would)."""
        from postdrop.publish import announceable

        found: list[dict[str, Any]] = []
        for _ in range(100):
            for record in self._next():
                if announceable(record) is not None:
                    found.append(record)
            if len(found) >= count:
                return found[:count]
            time.sleep(0.05)
        raise RuntimeError(f"the table's stream holds {len(found)} announceable record(s), not {count}")

    def drain(self) -> list[dict[str, Any]]:
        """Every record on the stream now whose write PublishFunction announces."""
        from postdrop.publish import announceable

        found: list[dict[str, Any]] = []
        while records := self._next():
            found += [record for record in records if announceable(record) is not None]
        return found

    def _next(self) -> list[dict[str, Any]]:
        from postdrop_tools.pipeline import stream_record

        if not self.shard:
            shards = self.client.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"]
            if not shards:
                return []
            self.shard = shards[0]["ShardId"]
        where: dict[str, Any] = {"ShardIteratorType": "TRIM_HORIZON"}
        if self.checkpoint is not None:
            where = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": self.checkpoint}
        iterator = self.client.get_shard_iterator(StreamArn=self.arn, ShardId=self.shard, **where)["ShardIterator"]
        records = self.client.get_records(ShardIterator=iterator, Limit=100).get("Records", [])
        if records:
            self.checkpoint = records[-1]["dynamodb"]["SequenceNumber"]
        return [stream_record(r, self.arn) for r in records]


def _add(samples: dict[str, dict[str, dict[int, list[float]]]], variant: str, name: str, mb: int, ms: float) -> None:
    samples.setdefault(variant, {}).setdefault(name, {}).setdefault(mb, []).append(ms)


def typical_post() -> Path:
    """The corpus post of median size: what a first event usually carries."""
    from bench.parse import corpus_files

    files = sorted(corpus_files(), key=lambda p: p.stat().st_size)
    return files[len(files) // 2]


def table(figures: Figures) -> str:
    """The figures as text: per variant and function, init, first and warm invocation, the
    total beside the floor, and $ per cold start, at each memory size."""
    med = statistics.median
    lines = [
        f"first invocation, ms (medians of {figures.rounds} rounds): init at a full core (its CPU time), then each "
        f"invocation at "
        f"MemorySize/1769 of a core ({figures.method}, {cpu_limit.PERIOD_US // 1000} ms period); "
        f"a {figures.post_bytes}-byte post",
        f"{'':22} {'MB':>4} {'share':>6} {'init':>7} {'1st event':>9} {'(CPU)':>6} {'total':>7} {'floor':>7} "
        f"{'ratio':>6} {'warm event':>10} {'(CPU)':>6} {'$/cold start':>13} {'$/warm':>10}",
    ]
    for variant, functions in figures.init.items():
        for function in functions:
            for mb in MEMORY_SIZES:
                lines.append(
                    f"{variant + ' ' + function:22} {mb:>4} {cpu_limit.share_of(mb):>6.3f} "
                    f"{med(figures.init[variant][function]):>7.0f} {med(figures.first[variant][function][mb]):>9.0f} "
                    f"{med(figures.first_cpu[variant][function][mb]):>6.0f} "
                    f"{figures.total(variant, function, mb):>7.0f} {figures.floor(mb):>7.0f} "
                    f"{figures.total(variant, function, mb) / figures.floor(mb):>5.2f}x "
                    f"{med(figures.warm[variant][function][mb]):>10.0f} "
                    f"{med(figures.warm_cpu[variant][function][mb]):>6.0f} "
                    f"{figures.cold_start_usd(variant, function, mb):>13.3g} "
                    f"{figures.warm_usd(variant, function, mb):>10.3g}"
                )
    floor = med(figures.floor_init)
    lines.append(f"floor: the mandated packages' import, a handler that does nothing (init {floor:.0f} ms CPU)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--against", help="a git ref whose functions and postdrop package run beside this tree's")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--post", type=Path, help="the post each event carries (default: the corpus's of median size)")
    parser.add_argument("--port", type=int, help="the emulator's port on 127.0.0.1 (default: any free one)")
    parser.add_argument("--instructions", action="store_true", help="count each init in instructions (callgrind)")
    args = parser.parse_args()
    if args.instructions:
        counts = count_init(args.against, args.port)
        floor = counts.pop("floor")["floor"]
        if args.json:
            print(json.dumps({"floor": floor, **counts}, indent=2))
            return
        print(f"init, million instructions (callgrind; start to the end of init); floor {floor / 1e6:,.1f}")
        for variant, functions in counts.items():
            for name, count in functions.items():
                print(f"{variant + ' ' + name:22} {count / 1e6:9,.1f}  above the floor {(count - floor) / 1e6:7,.1f}"
                      f"  ratio {count / floor:.3f}")  # fmt: skip
        return
    figures = measure(args.rounds, args.post or typical_post(), args.against, args.port)
    print(json.dumps(figures.public(), indent=2) if args.json else table(figures))


if __name__ == "__main__":
    main()
