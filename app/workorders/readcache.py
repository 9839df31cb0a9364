"""The API's read cache: the finished JSON of list and detail reads, kept in Redis.

Invalidation is by generation, one per visibility scope (permissions.py): a maker's own work
orders, what supervisors see, an operator's assignments, and "people" (names, shown in every
answer). A write moves on the generations of the scopes that can see what it changed, before
and after; a reader's entry is stored with the generations of the scopes that reader has, and
is a miss once any of them moved on. So a maker's edit retires that maker's answers and, once
the work order is submitted, the supervisors', never another maker's or an operator's. A read
is one round trip to Redis (MGET of the reader's generations and the entry), and nothing is
invalidated one by one. Keys also hold the database's name: two databases sharing one Redis
(tests, a restore drill) share nothing. Entries expire after READ_CACHE_SECONDS, which only
bounds memory.

Every answer carries a strong ETag (a hash of its body); a client that sends it back in
If-None-Match gets a 304 without the database being asked for more than the token.

Redis unreachable: reads are computed as if there were no cache, never a 5xx.

redis-py directly, not Django's cache framework: that builds a new redis-py client per call
and pickles every value (measured: a tenth of a cached read), and cannot read the generations
and the entry in one round trip.
"""
import functools
import hashlib
import logging
import time

import redis
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags
from rest_framework.renderers import JSONRenderer

from .metrics import READ_CACHE
from .models import Task, WorkOrder
from .permissions import (
    PEOPLE,
    operator_scopes,
    reader_scopes,
    work_order_scopes,
)
from .roles import roles_of

log = logging.getLogger(__name__)
REDIS_DOWN = (ConnectionError, OSError, redis.RedisError)
WARN_EVERY_S = 30.0
_warned_at = -WARN_EVERY_S


def _warn(what: str, error: Exception) -> None:
    """Logged at most every WARN_EVERY_S per process: in an outage every request fails alike
    (the metric counts each one)."""
    global _warned_at
    if time.monotonic() - _warned_at >= WARN_EVERY_S:
        _warned_at = time.monotonic()
        log.warning("read cache: %s: %s", what, error)


@functools.cache
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


def _generation_key(scope: str) -> str:
    return f"reads:{connection.settings_dict['NAME']}:generation:{scope}"


def generation(scope: str = PEOPLE) -> int | None:
    """A scope's current generation (None until a write or a read has set one)."""
    value = _redis(settings.REDIS_URL).get(_generation_key(scope))
    return None if value is None else int(value)


def _move_on(scopes) -> None:
    client, keys = _redis(settings.REDIS_URL), [_generation_key(s) for s in sorted(scopes)]
    try:
        with client.pipeline(transaction=False) as pipeline:
            for key in keys:
                pipeline.incr(key)
            moved = pipeline.execute()
        # A key that was not there (first write, or Redis lost it) starts from the clock, so
        # that no number an entry still holds comes round again.
        if started := [key for key, number in zip(keys, moved, strict=True) if number == 1]:
            client.mset(dict.fromkeys(started, time.time_ns()))
    except REDIS_DOWN as error:  # entries are unreachable too
        READ_CACHE.labels("unavailable").inc()
        _warn("could not move the generation on", error)


def retire_all() -> None:
    """Every reader's entries are misses from now on (every reader has the PEOPLE scope)."""
    _move_on({PEOPLE})


def remember_who_saw_it(instance, **_) -> None:
    """pre_save of a work order: its status and assignee as the database has them before this
    write (not as the instance has them: it may have been read before another write)."""
    if instance.pk is not None:
        instance.seen_as = (WorkOrder.objects.filter(pk=instance.pk)
                            .values_list("status", "assignee_id").first())


def scopes_written(instance, update_fields=None) -> set[str]:
    """The scopes of every reader who could see the row before this write or can after it."""
    if isinstance(instance, WorkOrder):
        # A new row was seen by nobody; a row deleted is as it was read (get_object()).
        status, assignee = getattr(instance, "seen_as", None) or (None, None)
        return work_order_scopes(instance.created_by_id, {instance.status, status},
                                 {instance.assignee_id, assignee})
    if isinstance(instance, Task):
        # A task is seen through its work order (its detail and the list's counts).
        if Task.work_order.is_cached(instance):
            work_order = instance.work_order
            owner = (work_order.created_by_id, work_order.status, work_order.assignee_id)
        else:
            owner = (WorkOrder.objects.filter(pk=instance.work_order_id)
                     .values_list("created_by_id", "status", "assignee_id").first())
        # (A task's operator changes only with its work order's assignee, by update().)
        scopes = operator_scopes({instance.operator_id})
        if owner is None:  # its work order is gone meanwhile: retire everyone's
            return scopes | {PEOPLE}
        return scopes | work_order_scopes(owner[0], {owner[1]}, {owner[2]})
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return set()  # a user logging in changes nothing any answer shows
    return {PEOPLE}  # a user: names appear in every reader's answers


class _AtCommit:
    """The scopes a transaction wrote, moved on once more when it commits."""

    def __init__(self, scopes: set[str]):
        self.scopes = scopes

    def __call__(self) -> None:
        _move_on(self.scopes)


def data_changed(instance, update_fields=None, **_) -> None:
    """Signal receiver for every write that a read could show. The scopes' generations move on
    now, so reads later in this transaction see the write, and once more at commit: a reader
    that took a new number before the commit read the old rows, and its entry must be retired."""
    scopes = scopes_written(instance, update_fields)
    if not scopes:
        return
    _move_on(scopes)
    pending = transaction.get_connection().run_on_commit  # (savepoints, callback, robust)
    at_commit = next((callback for _, callback, _ in pending
                      if isinstance(callback, _AtCommit)), None)
    if at_commit is None:
        transaction.on_commit(_AtCommit(set(scopes)))  # outside a transaction: runs now
    else:
        at_commit.scopes |= scopes  # once per transaction is enough


def _entry_key(request) -> str:
    user = request.user
    reader = f"{user.pk}:{'+'.join(sorted(roles_of(user)))}:{int(user.is_superuser)}"
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
    return f"reads:{connection.settings_dict['NAME']}:{reader}:{path}"


def respond(request, compute):
    """The answer to a GET: this reader's entry if Redis has it at the current generations of
    the reader's scopes, else compute()'s (a DRF Response), rendered once and stored when it is
    a 200."""
    seconds = settings.READ_CACHE_SECONDS
    if not seconds or request.method != "GET" or request.accepted_renderer.format != "json":
        return compute()
    client, key = _redis(settings.REDIS_URL), _entry_key(request)
    generation_keys = [_generation_key(scope) for scope in reader_scopes(request.user)]
    try:
        *generations, entry = client.mget([*generation_keys, key])
    except REDIS_DOWN as error:
        READ_CACHE.labels("unavailable").inc()
        _warn("Redis unreachable, reading from the database", error)
        return compute()
    # An entry is "<generations> <etag> <body>", the generations joined by commas.
    stamp = None if None in generations else b",".join(generations)
    stored_at, etag, body = entry.split(b" ", 2) if entry else (None, None, None)
    if stamp is None or stored_at != stamp:
        response = compute()
        if response.status_code != 200:
            return response
        body = JSONRenderer().render(response.data)
        etag = b'"' + hashlib.blake2b(body, digest_size=16).hexdigest().encode() + b'"'
        try:
            if stamp is None:  # a scope not numbered yet: number it, and store from the next read
                with client.pipeline(transaction=False) as pipeline:
                    for missing, number in zip(generation_keys, generations, strict=True):
                        if number is None:
                            pipeline.set(missing, time.time_ns(), nx=True)
                    pipeline.execute()
            else:
                client.set(key, b" ".join((stamp, etag, body)), ex=seconds)
        except REDIS_DOWN as error:
            _warn("could not store an entry", error)
        READ_CACHE.labels("miss").inc()
    else:
        READ_CACHE.labels("hit").inc()
    etag = etag.decode()
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    if etag in wanted or "*" in wanted:
        return HttpResponseNotModified(headers={"ETag": etag})
    return HttpResponse(body, content_type="application/json", headers={"ETag": etag})


class CachedReads:
    """A viewset's list and retrieve, answered through the read cache."""

    def list(self, request, *args, **kwargs):
        return respond(request, lambda: super(CachedReads, self).list(request, *args, **kwargs))

    def retrieve(self, request, *args, **kwargs):
        return respond(request,
                       lambda: super(CachedReads, self).retrieve(request, *args, **kwargs))
