"""`python -m powermap` runs the command line."""

from powermap.cli import app

app()
