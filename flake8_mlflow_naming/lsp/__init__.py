"""The language server (``mlflow-naming server``): the editor front end, built on pygls.

It consumes the same findings as ``check`` (through :func:`..check.check_file`) and the same
fixes as ``fix`` (through :mod:`..fix`); nothing here detects anything. :mod:`.documents`
turns an open document into what the engine reads and its findings into diagnostics,
:mod:`.edits` turns a changed text into LSP text edits, :mod:`.actions` builds quick fixes,
``# noqa`` insertions and fix-all edits, and :mod:`.server` is the protocol. Only
:mod:`.server` imports pygls, which the optional ``lsp`` extra installs.
"""
