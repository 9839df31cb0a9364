"""Root conftest: load the project's pytest plugin from fixtures/."""
pytest_plugins = ["fixtures.plugin"]
