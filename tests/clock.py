"""The business clock every test runs on, in this process and in the servers and workers it starts.

A fixed Saturday morning inside service hours (08:00–21:00 Asia/Shanghai): tests must pass whatever the
wall clock says, so none reads it. A test that needs another moment travels there itself.
"""

import os
import runpy
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
BUSINESS_NOW = datetime(2026, 11, 21, 10, 0, tzinfo=SHANGHAI)
ENV = "NUANXIN_TEST_CLOCK"


def frozen_command(*command: str) -> list[str]:
    """`python -m <command>` run under the test clock (a ticking clock starting at BUSINESS_NOW)."""
    return [sys.executable, "-m", "tests.clock", *command]


def frozen_env() -> dict[str, str]:
    """The clock a started process begins at: this process's (fake, ticking) now, so that both tick
    together; a server that began at BUSINESS_NOW while this test's clock had already moved on would
    see the rows the test writes as written in its future."""
    from datetime import UTC

    return {ENV: datetime.now(UTC).isoformat()}


if __name__ == "__main__":
    import time_machine

    # A ticking clock: servers and workers measure elapsed time (timeouts, heartbeats).
    time_machine.travel(
        datetime.fromisoformat(os.environ.get(ENV, BUSINESS_NOW.isoformat())), tick=True
    ).start()
    module, sys.argv = sys.argv[1], sys.argv[1:]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
