"""The emulator process: apply gap fills to moto, bind 127.0.0.1, print the port, serve.

Run as `python -m platform_tools.emulator.server --port 0`. The first line on stdout is
`EMULATOR READY <port>` once the socket is bound, which is what `control.py` waits for.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
from typing import Any


def build_app(with_fills: bool) -> Any:
    if with_fills:
        from platform_tools.emulator.fills import apply_all

        apply_all()
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    return DomainDispatcherApplication(create_backend_app)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Local AWS emulator (moto server with gap fills).")
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1; 0 picks a free one")
    parser.add_argument("--no-fills", action="store_true", help="serve moto as shipped (for gap tests)")
    args = parser.parse_args(argv)

    from werkzeug.serving import make_server

    try:
        # werkzeug exits on a busy port with its own text; probe first to say it our way.
        if args.port:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                probe.bind(("127.0.0.1", args.port))
        app = build_app(with_fills=not args.no_fills)
        server = make_server("127.0.0.1", args.port, app, threaded=True)
    except OSError as exc:
        print(
            f"EMULATOR FAILED port {args.port} on 127.0.0.1 is not free ({exc.strerror}): "
            "stop what uses it or choose another with EMULATOR_PORT=<port> (0 picks a free one).",
            flush=True,
        )
        return 2
    port = server.server_port
    # moto builds some URLs (SQS queue URLs, presigned links) from MOTO_PORT.
    os.environ["MOTO_PORT"] = str(port)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(SystemExit(0)))
    print(f"EMULATOR READY {port}", flush=True)
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
