"""The read cache answers from Redis only what the database would answer now, to that reader."""
import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

from workorders import readcache
from workorders.metrics import READ_CACHE
from workorders.models import Task, WorkOrder

pytestmark = pytest.mark.django_db
LIST = "/api/work-orders/"


def read(client, url: str, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    return response, len(captured)


def test_a_repeated_read_is_answered_from_redis_after_the_token_query(api, supervisor,
                                                                      work_order_in):
    work_order = work_order_in("assigned", tasks=3)
    client = api(supervisor)
    hits = READ_CACHE.labels("hit")._value.get()
    # Computed: the token, then the page with its count, or the work order and its tasks.
    for url, queries in ((LIST, 2), (f"{LIST}{work_order.pk}/", 3), ("/api/tasks/", 2)):
        first, computed = read(client, url)
        again, cached = read(client, url)
        assert first.status_code == again.status_code == 200
        assert again.content == first.content
        assert again["ETag"] == first["ETag"]
        assert (computed, cached) == (queries, 1), f"{url}: {computed} queries, then {cached}"
    assert READ_CACHE.labels("hit")._value.get() == hits + 3


def test_a_client_holding_the_current_etag_gets_304_and_a_changed_one_200(api, supervisor,
                                                                          work_order_in):
    work_order = work_order_in("submitted")
    client = api(supervisor)
    etag = client.get(LIST)["ETag"]
    unchanged, queries = read(client, LIST, if_none_match=etag)
    assert (unchanged.status_code, unchanged.content, queries) == (304, b"", 1)
    assert unchanged["ETag"] == etag
    work_order.title = "Replace both pump seals"
    work_order.save()
    changed = client.get(LIST, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Replace both pump seals" in changed.content.decode()


def rename_task(work_order, maker, supervisor):
    task = work_order.tasks.first()
    task.title = "Renamed step"
    task.save()
    return "Renamed step"


def rename_user(work_order, maker, supervisor):
    maker.username = "maria_renamed"
    maker.save()
    return "maria_renamed"


def add_task(work_order, maker, supervisor):
    Task.objects.create(work_order=work_order, sequence=99, title="Step added later")
    return "Step added later"


def delete_task(work_order, maker, supervisor):
    work_order.tasks.filter(sequence=1).delete()
    return '"task_count":1'


@pytest.mark.parametrize("write", [rename_task, rename_user, add_task, delete_task])
def test_every_kind_of_write_is_seen_by_the_next_read(write, api, maker, supervisor,
                                                      work_order_in):
    work_order = work_order_in("draft", tasks=2)
    client = api(maker)
    detail, listing = f"{LIST}{work_order.pk}/", LIST
    before = {url: client.get(url).content for url in (detail, listing)}
    expected = write(work_order, maker, supervisor)
    after = {url: client.get(url).content for url in (detail, listing)}
    assert after != before
    where = listing if expected.startswith('"task_count"') else detail
    assert expected in after[where].decode()


def test_transitions_through_the_api_are_seen_by_every_reader(api, maker, supervisor, operator,
                                                              work_order_in):
    work_order = work_order_in("draft")
    readers = {who: api(who) for who in (maker, supervisor, operator)}
    url = f"{LIST}{work_order.pk}/"
    assert readers[supervisor].get(url).status_code == 404
    readers[maker].post(f"{url}submit/")
    assert readers[supervisor].get(url).json()["status"] == "submitted"
    readers[supervisor].post(f"{url}approve/")
    readers[supervisor].post(f"{url}assign/", {"assignee": operator.username}, format="json")
    assert readers[operator].get(url).json()["status"] == "assigned"
    assert readers[maker].get(LIST).json()["results"][0]["status"] == "assigned"


def test_readers_never_share_an_answer(api, maker, other_maker, supervisor, work_order_in):
    work_order_in("draft", created_by=maker, title="Maria's draft")
    work_order_in("draft", created_by=other_maker, title="Mo's draft")
    titles = {who.username: [w["title"] for w in api(who).get(LIST).json()["results"]]
              for who in (maker, other_maker, supervisor)}
    assert titles == {"maria_maker": ["Maria's draft"], "mo_maker": ["Mo's draft"],
                      "sam_supervisor": []}


def test_a_new_role_is_seen_at_once_though_no_data_changed(api, maker, other_maker,
                                                           work_order_in):
    work_order_in("submitted", created_by=other_maker, title="Mo's submitted")
    client = api(maker)
    assert client.get(LIST).json()["count"] == 0
    maker.groups.add(Group.objects.get_or_create(name="supervisor")[0])
    assert client.get(LIST).json()["count"] == 1


@pytest.mark.django_db(transaction=True)
def test_the_generation_moves_on_at_each_write_and_once_more_at_commit(maker):
    start = readcache.generation()
    with transaction.atomic():
        maker.first_name = "Maria"
        maker.save()
        first_write = readcache.generation()
        maker.last_name = "Maker"
        maker.save()
        second_write = readcache.generation()
    assert start < first_write < second_write  # reads later in the transaction see each write
    # An entry cached under second_write may hold rows read by another connection before the
    # commit: it is retired, by one more move per transaction.
    assert readcache.generation() == second_write + 1


def test_with_redis_unreachable_reads_and_writes_still_succeed(api, maker, work_order_in,
                                                               settings, caplog, monkeypatch):
    monkeypatch.setattr(readcache, "_warned_at", -1e9)  # an earlier test may have warned
    work_order = work_order_in("draft")
    client = api(maker)
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens there
    listing = client.get(LIST)
    edited = client.patch(f"{LIST}{work_order.pk}/", {"title": "Edited offline"}, format="json")
    assert (listing.status_code, edited.status_code) == (200, 200)
    assert client.get(LIST).json()["results"][0]["title"] == "Edited offline"
    assert "ETag" not in listing
    assert "Redis unreachable" in caplog.text


def test_turned_off_it_answers_from_the_database_every_time(api, supervisor, work_order_in,
                                                            settings):
    settings.READ_CACHE_SECONDS = 0
    work_order_in("submitted")
    client = api(supervisor)
    _, computed = read(client, LIST)
    again, recomputed = read(client, LIST)
    assert (computed, recomputed) == (2, 2)
    assert "ETag" not in again


def test_refusals_are_not_cached(api, maker, other_maker, work_order_in):
    hidden = work_order_in("draft", created_by=other_maker)
    client = api(maker)
    first, _ = read(client, f"{LIST}{hidden.pk}/")
    again, queries = read(client, f"{LIST}{hidden.pk}/")
    assert (first.status_code, again.status_code) == (404, 404)
    assert queries == 2  # the token, and the look-up again: no stored 404 to outlive a change


@pytest.mark.django_db(transaction=True)
def test_a_work_order_created_with_tasks_is_never_cached_without_them(api, maker):
    """bulk_create() sends no signal: the tasks must be in before the generations' move at
    commit, or a read between the two inserts is kept, and shows no task, until the next write."""
    client = api(maker)
    meanwhile = []

    def read_between_the_inserts(instance, created, **_):
        if created:
            meanwhile.append(client.get(LIST).json()["results"][0]["task_count"])

    post_save.connect(read_between_the_inserts, sender=WorkOrder, dispatch_uid="meanwhile")
    try:
        created = client.post(LIST, {"title": "Reseal the pump", "new_tasks": [
            {"title": "Drain"}, {"title": "Reseal"}]}, format="json")
    finally:
        post_save.disconnect(sender=WorkOrder, dispatch_uid="meanwhile")
    assert created.status_code == 201
    assert meanwhile == [0]  # the read in between saw the work order before its tasks
    assert client.get(LIST).json()["results"][0]["task_count"] == 2
