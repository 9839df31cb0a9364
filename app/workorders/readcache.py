"""The API's read cache: the finished JSON of list and detail reads, kept in Redis.

An entry's key holds the data generation, a number that every write to work orders, tasks,
transitions or users moves on. Entries are never invalidated one by one: once the generation
has moved, nobody asks for them again, and Redis drops them after READ_CACHE_SECONDS. The key
also holds who reads (user and roles decide what they may see), the path with its query, and
the database's name (two databases sharing one Redis, as in tests or a restore drill, share
nothing).

Every answer carries a strong ETag (a hash of its body); a client that sends it back in
If-None-Match gets a 304 without the database being asked for more than the token.

Redis unreachable: reads are computed as if there were no cache, never a 5xx.
"""
import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags
from redis.exceptions import RedisError
from rest_framework.renderers import JSONRenderer

from .metrics import READ_CACHE
from .roles import roles_of

log = logging.getLogger(__name__)
REDIS_DOWN = (ConnectionError, OSError, RedisError)


def _prefix() -> str:
    return f"reads:{connection.settings_dict['NAME']}"


def generation() -> int:
    key = f"{_prefix()}:generation"
    value = cache.get(key)
    if value is None:
        # Started from the clock, not from 0: when Redis loses the number (a restart, an
        # eviction) but keeps entries, no old entry's generation comes round again.
        cache.add(key, time.time_ns(), timeout=None)
        value = cache.get(key)
    return value


def _move_generation_on() -> None:
    key = f"{_prefix()}:generation"
    try:
        try:
            cache.incr(key)
        except ValueError:  # not there (yet, or any more): any fresh number retires the old
            cache.set(key, time.time_ns(), timeout=None)
    except REDIS_DOWN:  # entries are unreachable too, and expire before long
        READ_CACHE.labels("unavailable").inc()
        log.warning("read cache: could not move the generation on", exc_info=True)


def data_changed(**_) -> None:
    """Signal receiver for every write that a read could show. The generation moves on now, so
    reads later in this transaction see the write, and again at commit: a reader that took the
    first new number before the commit read the old rows, and its entry must be retired."""
    _move_generation_on()
    pending = transaction.get_connection().run_on_commit  # (savepoints, callback, robust)
    if not any(callback is _move_generation_on for _, callback, _ in pending):
        transaction.on_commit(_move_generation_on)  # once per transaction is enough


def _entry_key(request, generation_now: int) -> str:
    user = request.user
    reader = f"{user.pk}:{'+'.join(sorted(roles_of(user)))}:{int(user.is_superuser)}"
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
    return f"{_prefix()}:{generation_now}:{reader}:{path}"


def respond(request, compute):
    """The answer to a GET: this reader's entry at the current generation if Redis has it, else
    compute()'s (a DRF Response), rendered once and stored when it is a 200."""
    seconds = settings.READ_CACHE_SECONDS
    if not seconds or request.method != "GET" or request.accepted_renderer.format != "json":
        return compute()
    try:
        key = _entry_key(request, generation())
        entry = cache.get(key)
    except REDIS_DOWN:
        READ_CACHE.labels("unavailable").inc()
        log.warning("read cache: Redis unreachable, reading from the database", exc_info=True)
        return compute()
    if entry is None:
        response = compute()
        if response.status_code != 200:
            return response
        body = JSONRenderer().render(response.data)
        etag = f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
        try:
            cache.set(key, (etag, body), seconds)
        except REDIS_DOWN:
            log.warning("read cache: could not store an entry", exc_info=True)
        READ_CACHE.labels("miss").inc()
    else:
        etag, body = entry
        READ_CACHE.labels("hit").inc()
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
