"""`cartstart-server serve` with the visitors' chat limit raised, for bench/live_chat.py only.

A visitor may write 20 chat messages a minute (`domain.selling.CHAT_PER_WINDOW`); the benchmark
has each visitor write one a second for longer than a minute. The limit is still checked (its
COUNT query runs on every message, as in production): only the number it is compared with is
raised. Everything else is the hub as shipped.

    python -m bench.live_hub serve --data-dir DIR ...   (the arguments of cartstart-server)
"""

from __future__ import annotations

import sys

from cartstart_server.cli import main
from cartstart_server.domain import selling

selling.CHAT_PER_WINDOW = 1_000_000

if __name__ == "__main__":
    sys.exit(main())
