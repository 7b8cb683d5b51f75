"""``mlflow-naming init``: learn a team's convention from its code (and tracking server), and write the configuration."""
