"""flake8-mlflow-naming: lint MLflow run naming, wrapper use and artifact paths."""

__version__ = "0.1.0"
