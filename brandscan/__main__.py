"""``python -m brandscan`` runs the command line."""

from brandscan.cli import main

main()
