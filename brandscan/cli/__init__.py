"""The ``brandscan`` command line: a thin Click layer over the library.

``common`` holds the group and the shared options; each other module adds the commands
of one area. Importing this package registers them all.
"""

from brandscan.cli import analysis as analysis
from brandscan.cli import model as model
from brandscan.cli import radar as radar
from brandscan.cli import store as store
from brandscan.cli.common import cli, main

__all__ = ["cli", "main"]
