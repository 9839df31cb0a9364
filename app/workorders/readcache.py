"""The API's read cache: the finished JSON of list and detail reads, kept in Redis.

A number, the data generation, moves on with every write to work orders, tasks, transitions
or users. Each entry is stored with the generation it was computed at, under a key of who
reads (user and roles decide what they may see) and the path with its query; an entry whose
generation is not the current one is a miss, and is overwritten. So a read is one round trip to
Redis (MGET of the generation and the entry), and nothing is invalidated one by one. Keys also
hold the database's name: two databases sharing one Redis (tests, a restore drill) share
nothing. Entries expire after READ_CACHE_SECONDS, which only bounds memory.

Every answer carries a strong ETag (a hash of its body); a client that sends it back in
If-None-Match gets a 304 without the database being asked for more than the token.

Redis unreachable: reads are computed as if there were no cache, never a 5xx.

redis-py directly, not Django's cache framework: that builds a new redis-py client per call
and pickles every value (measured: a tenth of a cached read), and cannot read the generation
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


def _generation_key() -> str:
    return f"reads:{connection.settings_dict['NAME']}:generation"


def generation() -> int | None:
    """The current generation (None until the first write has set one)."""
    value = _redis(settings.REDIS_URL).get(_generation_key())
    return None if value is None else int(value)


def _move_generation_on() -> None:
    client, key = _redis(settings.REDIS_URL), _generation_key()
    try:
        if client.incr(key) == 1:
            # It was not there (first write, or Redis lost it): start from the clock, so that
            # no number an entry still holds comes round again.
            client.set(key, time.time_ns())
    except REDIS_DOWN as error:  # entries are unreachable too
        READ_CACHE.labels("unavailable").inc()
        _warn("could not move the generation on", error)


def data_changed(**_) -> None:
    """Signal receiver for every write that a read could show. The generation moves on now, so
    reads later in this transaction see the write, and once more at commit: a reader that took
    a new number before the commit read the old rows, and its entry must be retired."""
    _move_generation_on()
    pending = transaction.get_connection().run_on_commit  # (savepoints, callback, robust)
    if not any(callback is _move_generation_on for _, callback, _ in pending):
        transaction.on_commit(_move_generation_on)  # once per transaction is enough


def _entry_key(request) -> str:
    user = request.user
    reader = f"{user.pk}:{'+'.join(sorted(roles_of(user)))}:{int(user.is_superuser)}"
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
    return f"reads:{connection.settings_dict['NAME']}:{reader}:{path}"


def respond(request, compute):
    """The answer to a GET: this reader's entry if Redis has it at the current generation, else
    compute()'s (a DRF Response), rendered once and stored when it is a 200."""
    seconds = settings.READ_CACHE_SECONDS
    if not seconds or request.method != "GET" or request.accepted_renderer.format != "json":
        return compute()
    client, key = _redis(settings.REDIS_URL), _entry_key(request)
    try:
        generation_now, entry = client.mget([_generation_key(), key])
    except REDIS_DOWN as error:
        READ_CACHE.labels("unavailable").inc()
        _warn("Redis unreachable, reading from the database", error)
        return compute()
    # An entry is "<generation> <etag> <body>"; no generation yet: nothing was ever written.
    stored_at, etag, body = entry.split(b" ", 2) if entry else (None, None, None)
    if generation_now is None or stored_at != generation_now:
        response = compute()
        if response.status_code != 200:
            return response
        body = JSONRenderer().render(response.data)
        etag = b'"' + hashlib.blake2b(body, digest_size=16).hexdigest().encode() + b'"'
        try:
            if generation_now is None:  # Redis is new: number it, and store from the next read
                client.set(_generation_key(), time.time_ns(), nx=True)
            else:
                client.set(key, b" ".join((generation_now, etag, body)), ex=seconds)
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
