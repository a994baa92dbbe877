"""`checklistor serve` restarts a sync watcher that dies, and stops it with the server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).parents[2]

SUPERVISOR = """
import sys
from service.sync.cli import run_beside
server = [sys.executable, "-c", "import pathlib, time, sys\\n"
          "while not pathlib.Path(sys.argv[1]).exists(): time.sleep(0.05)", sys.argv[1]]
watcher = [sys.executable, "-c", "import os, sys, time\\n"
           "open(sys.argv[1], 'a').write(f'{os.getpid()}\\\\n')\\n"
           "time.sleep(60)", sys.argv[2]]
sys.exit(run_beside(server, watcher, poll=0.05, first_delay=0.2))
"""


def pids(path: Path) -> list[int]:
    return [int(n) for n in path.read_text().split()] if path.exists() else []


def wait_for(condition, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_killed_watcher_is_started_again_and_stops_with_the_server(tmp_path: Path) -> None:
    stop, started = tmp_path / "stop", tmp_path / "watchers"
    supervisor = subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR, str(stop), str(started)],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: len(pids(started)) == 1)
        os.kill(pids(started)[0], signal.SIGKILL)
        wait_for(lambda: len(pids(started)) == 2)
        os.kill(pids(started)[1], signal.SIGKILL)
        wait_for(lambda: len(pids(started)) == 3)  # again, after a longer wait
        stop.touch()
        _, errors = supervisor.communicate(timeout=30)
        assert supervisor.returncode == 0
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
            supervisor.communicate()
    assert errors.count("the sync watcher stopped (signal 9)") == 2
    assert "starting it again in 0 s" in errors
    last = pids(started)[-1]
    wait_for(lambda: not Path(f"/proc/{last}").exists() or _zombie(last), timeout=10)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except FileNotFoundError:
        return True
