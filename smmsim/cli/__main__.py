"""``python -m smmsim.cli``: the same as the ``smmsim`` command."""

import sys

from .main import main

sys.exit(main())
