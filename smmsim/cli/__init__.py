"""The ``smmsim`` command line: ``main`` parses and hands each subcommand to its module."""

from .main import main

__all__ = ["main"]
