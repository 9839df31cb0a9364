"""Suites assert promises on the `target` fixture; they never start processes or read the
environment themselves."""
