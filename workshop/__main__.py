"""`python -m workshop` runs the same command as `workshop`."""

from workshop.cli import main

main()
