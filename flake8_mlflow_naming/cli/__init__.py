"""The command line: the only layer that parses arguments, prints or exits (see :mod:`.main`)."""

from .main import main

__all__ = ["main"]
