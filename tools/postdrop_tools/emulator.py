"""The embedded emulator: moto server on 127.0.0.1 at a free port, stopped when done (Ctrl-C too)."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess  # starts moto server, a fixed argument list  # nosec B404
import sys
import time
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = ["DEFAULT_ENDPOINT", "LOCAL_CREDENTIALS", "Emulator", "EmulatorError", "emulator", "local_client"]

HOST = "127.0.0.1"
DEFAULT_ENDPOINT = f"http://{HOST}:4566"  # where `postdrop up` listens unless told otherwise
ACCOUNT = "123456789012"
REGION = "us-east-1"
LOCAL_CREDENTIALS = {  # the emulator's fixed local credentials: not a secret
    "AWS_ACCESS_KEY_ID": "postdrop-local",
    "AWS_SECRET_ACCESS_KEY": "postdrop-local",  # nosec B105
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}


class EmulatorError(RuntimeError):
    """moto server did not come up."""


@dataclass(frozen=True)
class Emulator:
    """Where the local AWS is. ``endpoint`` None means in-process moto (``mock_aws``), for tests."""

    endpoint: str | None
    account: str = ACCOUNT
    region: str = REGION

    def env(self) -> dict[str, str]:
        """What any AWS SDK or CLI needs to talk to this emulator instead of AWS."""
        return {**LOCAL_CREDENTIALS, **({"AWS_ENDPOINT_URL": self.endpoint} if self.endpoint else {})}

    def reset(self) -> None:
        """Forget every resource and object (moto's reset API): as good as a new emulator, without
        the seconds a new server spends importing each service on its first call."""
        if self.endpoint is None:
            raise EmulatorError("reset is for a moto server; in-process moto resets with its mock")
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")  # noqa: S310
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  # nosec B310  # http://127.0.0.1
            response.read()


def local_client(service: str, endpoint: str | None) -> Any:
    """A boto3 client for the emulator at ``endpoint`` (None: in-process moto under ``mock_aws``)."""
    import boto3
    from botocore.config import Config

    # botocore sends a stream's calls to an endpoint named by the account in its ARN
    # (123456789012.streams-ddb.…), which in-process moto does not serve: the regional one, as before.
    config = Config(account_id_endpoint_mode="disabled") if service == "dynamodbstreams" else None
    return boto3.client(  # type: ignore[call-overload]
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        config=config,
    )


def _ensure_free(port: int) -> None:
    """Refuse a busy port up front: another server there would answer in moto's place."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a crashed run's TIME_WAIT is not "in use"
        try:
            sock.bind((HOST, port))
        except OSError as exc:
            raise EmulatorError(
                f"{HOST}:{port} is in use (another `postdrop up`?): stop it, or pass --port 0 for any free port"
            ) from exc


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _wait_ready(endpoint: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EmulatorError(
                f"moto server exited at start (code {process.returncode}): is {endpoint} in use? try --port 0"
            )
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1):  # noqa: S310  # nosec B310
            return  # answered: up (loopback only)
        time.sleep(0.1)
    raise EmulatorError(f"moto server did not answer on {endpoint} within {timeout:.0f}s")


def _dies_with_parent() -> Callable[[], None] | None:
    """What moto server's process runs before it starts, so that the kernel stops it when the
    process that started it ends, however that ends (a SIGKILL, a soak worker terminated): no
    busy server outlives its run. Linux's prctl, looked up here, before the fork, so the child
    makes one system call. Elsewhere None: the ``finally`` below is all there is."""
    if sys.platform != "linux":
        return None
    prctl = ctypes.CDLL(None).prctl
    return lambda: prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


_PR_SET_PDEATHSIG = 1


@contextlib.contextmanager
def emulator(port: int | None = None, timeout: float = 30.0) -> Iterator[Emulator]:
    """Start moto server on loopback; always stop it, also on KeyboardInterrupt."""
    if port:
        _ensure_free(port)
    port = port or _free_port()
    endpoint = f"http://{HOST}:{port}"
    env = {**os.environ, **LOCAL_CREDENTIALS}
    process = subprocess.Popen(  # our own interpreter and fixed arguments  # nosec B603
        [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        preexec_fn=_dies_with_parent(),  # noqa: PLW1509 - one system call, no Python state
    )
    try:
        _wait_ready(endpoint, process, timeout)
        yield Emulator(endpoint=endpoint)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
