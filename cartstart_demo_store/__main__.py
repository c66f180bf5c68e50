"""`python -m cartstart_demo_store`: the demo federation (the same as `cartstart-demo`)."""

import sys

from .federation import main

sys.exit(main())
