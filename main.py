"""Start the claim workbench window from a checkout: ``python main.py [--workspace DIR]``
(installed, the same is the ``claim-workbench`` launcher: ``ui.launch``)."""

import sys

from ui.launch import main

if __name__ == "__main__":
    sys.exit(main())
