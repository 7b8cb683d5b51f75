"""Autofixes and the migration codemod. Everything that imports libcst lives in this package,
so the lint path (flake8, ``check``) never loads it."""
