"""``python -m flake8_mlflow_naming.cli``: the same as the ``mlflow-naming`` command."""

import sys

from .main import main

sys.exit(main())
