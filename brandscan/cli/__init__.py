"""The ``brandscan`` command line: a thin Click layer over the library.

``common`` holds the group and the shared options; each other module adds the commands
of one area. Importing this package registers them all.
"""

from brandscan.cli import analysis as analysis
from brandscan.cli import init as init
from brandscan.cli import model as model
from brandscan.cli import radar as radar
from brandscan.cli import store as store
from brandscan.cli.common import cli, document_envvars, main
from brandscan.cli.examples import document_examples

# Every option can be set as BRANDSCAN_<COMMAND>_<OPTION> (docs/cli.md's rule); Click's own
# prefix would use the parameter's Python name (BRANDSCAN_REPORT_CONFIG_PATH).
document_envvars(cli)
# Every --help ends with examples; every command has a summary that fits one line.
document_examples(cli)

__all__ = ["cli", "main"]
