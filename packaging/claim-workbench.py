"""The bundled app's entry point (PyInstaller): the window, ``--version``, ``--self-test``."""

import sys

from ui.launch import main

if __name__ == "__main__":
    sys.exit(main())
