"""`python -m platform_tools.emulator`: run the local AWS emulator in the foreground (make emulator)."""

from __future__ import annotations

import os
import sys
import time

from platform_tools import ToolingError
from platform_tools.emulator.control import START_TIMEOUT_S, start_emulator


def main() -> int:
    port = int(os.environ.get("EMULATOR_PORT", "4566"))
    timeout = float(os.environ.get("EMULATOR_START_TIMEOUT", START_TIMEOUT_S))
    try:
        emulator = start_emulator(port=port, timeout=timeout)
    except ToolingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Local AWS emulator on {emulator.endpoint} (log: {emulator.log_path}). Point clients at it with:")
    for key, value in emulator.env().items():
        print(f"  export {key}={value!r}" if value else f"  export {key}=")
    print("Ctrl-C stops it.", flush=True)
    try:
        while emulator.process.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
