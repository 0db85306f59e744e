"""``python -m workbench.cli``, as before the command line became a package: the same as
``python -m workbench`` and ``workbench``."""

import sys

from workbench.cli import main

sys.exit(main())
