"""`python -m cartstart_desktop` (and the PyInstaller entry point)."""

import sys

from cartstart_desktop.launch import main

sys.exit(main())
