"""Autofixes and the migration codemod: a library, no command line.

Everything that imports libcst lives in this package, so the lint path (flake8, ``check``)
never loads it. :mod:`.loop` lints, applies the findings' fixes with :mod:`.apply` and
repeats until stable; :mod:`.codemod` offers the same as a LibCST codemod command.
"""
