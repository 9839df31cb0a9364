"""The backup drill: last night's job, run now, restored and proven usable.

The real app/deploy/scripts/backup.sh runs against the target's database and media; what it
wrote is restored into a scratch database and compared with the manifest and the source; a
canary written just before the backup must be there (the recovery point); the app started on
the restored data must serve it; the backup's duration and the recovery time are judged against
the thresholds file.
"""
import pytest

from fixtures.judges import backup, sla
from fixtures.plugin.sla_session import judged

pytestmark = [pytest.mark.drill, pytest.mark.sla]


@pytest.fixture(params=backup.CHECK_NAMES)
def finding(request, backup_drill) -> sla.Check:
    return judged(request, backup_drill)


def test_the_backup_restores_and_serves(finding):
    assert finding.verdict == sla.PASS, finding.message()


def test_a_backup_taken_under_load_is_consistent(backup_under_load, target):
    """Taken while the SLA load ran (whose promises are judged in suites/sla on that very run):
    the job verified it, and restored, every table has exactly the rows of its snapshot."""
    taken = backup_under_load
    assert taken.exit_code == 0, taken.log[-1500:]
    assert (taken.directory / "VERIFIED").exists()
    consistency = backup.restore_matches_manifest(taken, target.scratch_database_url)
    assert consistency.verdict == sla.PASS, consistency.message()
