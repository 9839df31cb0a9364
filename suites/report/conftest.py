"""The report is built from a finished run's results, so its check runs after that run: `make
report` (pytest -m report). A run of the suites leaves it out: it would check the previous run's
report against a summary that this run is about to replace."""
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _asked_for(config) -> bool:
    if "report" in (config.getoption("markexpr") or ""):
        return True
    start = config.invocation_params.dir
    return any((start / arg.split("::")[0]).resolve().is_relative_to(HERE)
               for arg in config.args)


def pytest_collection_modifyitems(config, items):
    if _asked_for(config):
        return
    left_out = [item for item in items if item.get_closest_marker("report")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if item not in left_out]
