#!/usr/bin/env bash
# shellcheck disable=SC2015 # in `a && b || fail ...`, fail is meant to run when a or b fails
# The nightly backup of the work-order system: the database (pg_dump) and the media (tar), with a
# manifest, verified before it counts; only then are expired backups pruned. Run by cron
# (app/deploy/crontab/backup) and by the restore drill (suites/backup/).
#
# Settings, from the environment (the defaults are production's):
#   BACKUP_DATABASE_URL    the database to dump (default $DATABASE_URL; one of the two is required)
#   BACKUP_MEDIA_DIR       /srv/workorders/media; missing or empty gives an empty archive, logged
#   BACKUP_DIR             /var/backups/workorders, one workorders-YYYYmmddTHHMMSSZ/ per run
#   BACKUP_RETENTION_DAYS  30       BACKUP_MIN_SIZE_RATIO  0.5 (of the last verified db.dump)
#   BACKUP_LOG             /var/log/workorders/backup.log
#   BACKUP_LOCK            $BACKUP_DIR/.backup.lock
#   BACKUP_NOTIFY_COMMAND  run on failure with the message as argument and in $BACKUP_FAILURE
#   BACKUP_METRICS_FILE    /var/lib/prometheus/node-exporter/workorders_backup.prom
#   PG_DUMP, PG_RESTORE, PSQL  the client programs (default: on PATH, else Debian's newest)
#   PGCONNECT_TIMEOUT      30 (seconds), and libpq's other PG* variables (PGPASSFILE, PGSSLMODE...)
# Exit status: 0 a verified backup, whose directory is the last line on stdout; 1 a step failed;
# 2 the settings are wrong; 75 another backup is running. A failure is logged with its step and
# cause, notified and reported in the metrics; nothing is pruned, and the incomplete directory
# is removed: a full disk must not stay full, and nothing may mistake it for a backup.
set -euo pipefail
umask 077 # a backup holds every row of the database: its owner alone may read it

BACKUP_DATABASE_URL=${BACKUP_DATABASE_URL:-${DATABASE_URL:-}}
BACKUP_MEDIA_DIR=${BACKUP_MEDIA_DIR:-/srv/workorders/media}
BACKUP_DIR=${BACKUP_DIR:-/var/backups/workorders}
BACKUP_RETENTION_DAYS=${BACKUP_RETENTION_DAYS:-30}
BACKUP_LOG=${BACKUP_LOG:-/var/log/workorders/backup.log}
BACKUP_LOCK=${BACKUP_LOCK:-$BACKUP_DIR/.backup.lock}
BACKUP_NOTIFY_COMMAND=${BACKUP_NOTIFY_COMMAND:-}
BACKUP_METRICS_FILE=${BACKUP_METRICS_FILE:-/var/lib/prometheus/node-exporter/workorders_backup.prom}
BACKUP_MIN_SIZE_RATIO=${BACKUP_MIN_SIZE_RATIO:-0.5}
export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-30}

pg_tool() { command -v "$1" || printf '%s\n' /usr/lib/postgresql/*/bin/"$1" | sort -V | tail -n 1; }
PG_DUMP=${PG_DUMP:-$(pg_tool pg_dump)}
PG_RESTORE=${PG_RESTORE:-$(pg_tool pg_restore)}
PSQL=${PSQL:-$(pg_tool psql)}

started=$(date +%s) step=start cause='' backup='' incomplete='' psql_pid='' size=0
work=$(mktemp -d) errors=$(mktemp) # errors: what the programs of the current step said

log() { # step outcome...: one line in the log; failures also on stderr, which cron mails
  local line; line="$(date -u +%FT%TZ) [$$] $*"
  printf '%s\n' "$line" >>"$BACKUP_LOG" 2>/dev/null || true
  [[ $2 != FAILED ]] || printf '%s\n' "$line" >&2
}
begin() { step=$1; : >"$errors"; }
said() { tail -n 3 "$errors" | tr -s '\n\t' '  ' | sed 's/ $//'; }
fail() { cause=$1; exit "${2:-1}"; }

declare -A HELP=(
  [workorders_backup_last_run_success]="1 if the last backup run ended verified, 0 if it failed."
  [workorders_backup_last_run_timestamp_seconds]="When the last backup run ended."
  [workorders_backup_last_success_timestamp_seconds]="When the last verified backup ended."
  [workorders_backup_duration_seconds]="How long the last verified backup took."
  [workorders_backup_size_bytes]="Bytes of the last verified backup's db.dump and media.tar.gz.")
metric() { printf '# HELP %s %s\n# TYPE %s gauge\n%s %s\n' "$1" "${HELP[$1]}" "$1" "$1" "$2"; }
write_metrics() ( # 1 or 0; a failed run carries the last success's figures over from the file
  umask 022 # node_exporter reads it
  now=$(date +%s) dir=$(dirname "$BACKUP_METRICS_FILE")
  mkdir -p "$dir" && tmp=$(mktemp "$dir/.workorders_backup.XXXXXX") || return 1
  {
    metric workorders_backup_last_run_success "$1"
    metric workorders_backup_last_run_timestamp_seconds "$now"
    if (($1)); then
      metric workorders_backup_last_success_timestamp_seconds "$now"
      metric workorders_backup_duration_seconds "$((now - started))"
      metric workorders_backup_size_bytes "$size"
    else
      for name in workorders_backup_{last_success_timestamp_seconds,duration_seconds,size_bytes}; do
        value=$(awk -v m="$name" '$1 == m { v = $2 } END { print v }' "$BACKUP_METRICS_FILE" \
          2>/dev/null)
        if [[ -n $value ]]; then metric "$name" "$value"; fi
      done
    fi
  } >"$tmp" && chmod 0644 "$tmp" && mv -f "$tmp" "$BACKUP_METRICS_FILE"
)
notify() {
  [[ -n $BACKUP_NOTIFY_COMMAND ]] || return 0
  BACKUP_FAILURE=$1 timeout 120 sh -c "$BACKUP_NOTIFY_COMMAND \"\$1\"" notify "$1" \
    </dev/null >&2 9>&- ||
    log notify FAILED "BACKUP_NOTIFY_COMMAND ended with status $?"
}
finish() {
  local status=$?; trap - EXIT
  if ((status != 0)); then
    [[ -n $cause ]] || cause="exit status $status: $(said)"
    log "$step" FAILED "$cause"
    if [[ -n $psql_pid ]]; then kill "$psql_pid" 2>/dev/null || true; fi
    if [[ -n $incomplete ]]; then rm -rf -- "$incomplete"; fi
    # An overlapping run leaves the metrics to the run that holds the lock.
    ((status == 75)) || write_metrics 0 || log metrics FAILED "cannot write $BACKUP_METRICS_FILE"
    notify "workorders backup on $HOSTNAME failed at step $step: $cause"
  fi
  rm -rf -- "$work" "$errors"
  exit "$status"
}
trap finish EXIT
trap 'fail "stopped by SIGTERM" 143' TERM
trap 'fail "stopped by SIGINT" 130' INT
trap ':' PIPE # a write to a psql that died fails as an error, instead of killing us silently

begin config
mkdir -p "$(dirname "$BACKUP_LOG")" 2>>"$errors" && : >>"$BACKUP_LOG" 2>>"$errors" ||
  fail "cannot write the log $BACKUP_LOG: $(said)" 2
[[ -n $BACKUP_DATABASE_URL ]] ||
  fail "no database to back up: set BACKUP_DATABASE_URL or DATABASE_URL" 2
# The URL's password goes to libpq as PGPASSWORD: a program's arguments are visible to every
# user of the machine (ps), its environment only to its owner. Percent-decoded, as libpq would.
if [[ $BACKUP_DATABASE_URL =~ ^(postgres(ql)?://[^:@/]*):([^@/]*)@(.*)$ ]]; then
  password=${BASH_REMATCH[3]//\\/\\\\}
  PGPASSWORD=$(printf '%b' "${password//%/\\x}") && export PGPASSWORD
  BACKUP_DATABASE_URL="${BASH_REMATCH[1]}@${BASH_REMATCH[4]}"
fi
[[ $BACKUP_RETENTION_DAYS =~ ^[1-9][0-9]*$ ]] ||
  fail "BACKUP_RETENTION_DAYS must be a whole number of days, 1 or more: '$BACKUP_RETENTION_DAYS'" 2
[[ $BACKUP_MIN_SIZE_RATIO =~ ^[0-9]*\.?[0-9]+$ ]] ||
  fail "BACKUP_MIN_SIZE_RATIO must be a number such as 0.5, not '$BACKUP_MIN_SIZE_RATIO'" 2
for tool in "$PG_DUMP" "$PG_RESTORE" "$PSQL"; do
  command -v "$tool" >/dev/null ||
    fail "$tool is not installed: apt-get install -y postgresql-client" 2
done

begin lock
mkdir -p -- "$BACKUP_DIR" 2>>"$errors" && { exec 9>>"$BACKUP_LOCK"; } 2>>"$errors" ||
  fail "cannot open the lock $BACKUP_LOCK: $(said)"
flock --nonblock 9 || fail "another backup is running (it holds $BACKUP_LOCK)" 75
log start ok "into $BACKUP_DIR"
log lock ok "$BACKUP_LOCK"

begin prepare
backup=$BACKUP_DIR/workorders-$(date -u -d "@$started" +%Y%m%dT%H%M%SZ)
mkdir -- "$backup" 2>>"$errors" || fail "cannot create $backup: $(said)"
incomplete=$backup

# The row counts and the dump read one snapshot: this session exports it and stays open until
# pg_dump --snapshot has read everything, so the manifest counts exactly the rows in the dump.
begin snapshot
mkfifo "$work/sql" "$work/out"
"$PSQL" -X -q -A -t -v ON_ERROR_STOP=1 --dbname="$BACKUP_DATABASE_URL" \
  <"$work/sql" >"$work/out" 2>>"$errors" 9>&- &
psql_pid=$!
exec 3>"$work/sql" 4<"$work/out"
printf '%s\n' "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;" "SELECT pg_export_snapshot();" \
  "SELECT to_json(current_database());" "
  SELECT coalesce(json_object_agg(name, n ORDER BY name), '{}') FROM (
    SELECT format('%I.%I', s.nspname, t.relname) AS name, (xpath('/row/n/text()', query_to_xml(
             format('SELECT count(*) AS n FROM %I.%I', s.nspname, t.relname), false, true, '')
           ))[1]::text::bigint AS n
    FROM pg_class t JOIN pg_namespace s ON s.oid = t.relnamespace
    WHERE t.relkind = 'r' AND s.nspname NOT LIKE 'pg\_%' AND s.nspname <> 'information_schema'
      AND NOT EXISTS (SELECT FROM pg_depend d  -- extensions' tables are not in the dump
                      WHERE d.classid = 'pg_class'::regclass AND d.objid = t.oid
                        AND d.deptype = 'e')
  ) AS counted;" >&3 2>/dev/null || true # if psql died, reading its answer fails and says why
read -r snapshot <&4 && read -r database <&4 && read -r counts <&4 ||
  fail "the database session ended before the snapshot and row counts: $(said)"
log snapshot ok "$snapshot"

begin dump
"$PG_DUMP" --format=custom --compress=6 --snapshot="$snapshot" --file="$backup/db.dump" \
  --dbname="$BACKUP_DATABASE_URL" 2>>"$errors" 9>&- || fail "pg_dump failed: $(said)"
printf 'COMMIT;\n' >&3 && exec 3>&- && wait "$psql_pid" ||
  fail "the snapshot's session failed: $(said)"
exec 4<&- && psql_pid=''
log dump ok "$(stat -c %s "$backup/db.dump") bytes"

begin media
note=''
if [[ -d $BACKUP_MEDIA_DIR ]]; then content=(-C "$BACKUP_MEDIA_DIR" .); else
  content=(-T /dev/null) note=", $BACKUP_MEDIA_DIR is missing: empty archive"; fi
# GNU tar's status 1 is a file that changed while read (an upload): the archive is still whole.
tar -czf "$backup/media.tar.gz" "${content[@]}" 2>>"$errors" || { status=$?
  ((status == 1)) || fail "tar of $BACKUP_MEDIA_DIR failed: $(said)"; note+=", $(said)"; }
log media ok "$(stat -c %s "$backup/media.tar.gz") bytes$note"

begin manifest
file_entry() { # "name": {"size": N, "sha256": "..."}
  local sum; sum=$(sha256sum <"$backup/$1") || return 1
  printf '"%s": {"size": %s, "sha256": "%s"}' "$1" "$(stat -c %s "$backup/$1")" "${sum%% *}"
}
created_at=$(date -u -d "@$started" +%FT%TZ)
version=$("$PG_DUMP" --version 2>>"$errors")
version=${version//\\/\\\\} version=${version//\"/\\\"} # a JSON string
dump_entry=$(file_entry db.dump)
media_entry=$(file_entry media.tar.gz)
cat >"$backup/manifest.json" <<EOF
{
  "created_at": "$created_at",
  "database": $database,
  "pg_dump_version": "$version",
  "snapshot": "$snapshot",
  "files": {
    $dump_entry,
    $media_entry
  },
  "row_counts": $counts
}
EOF
log manifest ok

begin verify
"$PG_RESTORE" --list "$backup/db.dump" >"$work/toc" 2>>"$errors" ||
  fail "pg_restore cannot read the dump's table of contents: $(said)"
grep -q ' TABLE DATA ' "$work/toc" || fail "the dump lists no TABLE DATA: it holds no rows"
# --list reads only the table of contents, which a dump cut short still has: read every byte.
"$PG_RESTORE" --file=/dev/null "$backup/db.dump" 2>>"$errors" ||
  fail "the dump is truncated or corrupt, pg_restore cannot read it through: $(said)"
gzip -t "$backup/media.tar.gz" 2>>"$errors" &&
  tar -tzf "$backup/media.tar.gz" >/dev/null 2>>"$errors" ||
  fail "media.tar.gz is not a readable archive: $(said)"
for file in db.dump media.tar.gz; do # read back from the manifest as written: "size sha256"
  entry="\"${file//./\\.}\": {\"size\": \([0-9]*\), \"sha256\": \"\([0-9a-f]*\)\"}"
  listed=$(sed -n "s/.*$entry.*/\1 \2/p" "$backup/manifest.json")
  sum=$(sha256sum <"$backup/$file")
  actual="$(stat -c %s "$backup/$file") ${sum%% *}"
  [[ $listed == "$actual" ]] ||
    fail "$file does not match the manifest (${listed:-no entry} there, $actual on disk)"
done
newest_verified() { # by the timestamp in the name (the glob sorts by name)
  local dir found=''
  for dir in "$BACKUP_DIR"/workorders-*Z; do if [[ -f $dir/VERIFIED ]]; then found=$dir; fi; done
  printf '%s' "$found"
}
# A dump that shrank this much is broken until proven otherwise (GitLab, 2017: dumps of a few
# bytes, for months, that nobody looked at).
previous=$(newest_verified) dump_size=$(stat -c %s "$backup/db.dump")
compared='(no earlier verified dump to compare its size with)'
if [[ -n $previous && -f $previous/db.dump ]]; then
  before=$(stat -c %s "$previous/db.dump")
  awk -v now="$dump_size" -v before="$before" -v ratio="$BACKUP_MIN_SIZE_RATIO" \
    'BEGIN { exit !(now >= ratio * before) }' ||
    fail "db.dump is suspiciously small: $dump_size bytes, under $BACKUP_MIN_SIZE_RATIO x the\
 $before bytes of the last verified backup $previous"
  compared="(db.dump $dump_size bytes, $before in $previous)"
fi
size=$((dump_size + $(stat -c %s "$backup/media.tar.gz")))
date -u +%FT%TZ >"$backup/VERIFIED"
incomplete=''
log verify ok "$compared"

# Age is the directory's mtime (when VERIFIED was written; cp -a and rsync -a keep it), so a
# backup copied back in without its times looks new and is kept longer, never pruned early.
begin prune
keep=$(newest_verified) cutoff=$(($(date +%s) - BACKUP_RETENTION_DAYS * 86400)) pruned=0
for dir in "$BACKUP_DIR"/workorders-*Z; do
  [[ -d $dir && ! -L $dir && $dir != "$keep" ]] || continue
  mtime=$(stat -c %Y -- "$dir")
  if ((mtime < cutoff)); then
    rm -rf -- "$dir" 2>>"$errors" || fail "cannot remove $dir: $(said)"
    log prune ok "removed $dir, $(((started - mtime) / 86400)) days old"
    pruned=$((pruned + 1))
  fi
done
log prune ok "$pruned removed, kept those younger than $BACKUP_RETENTION_DAYS days and $keep"

begin metrics
write_metrics 1 2>>"$errors" || fail "cannot write $BACKUP_METRICS_FILE: $(said)"
log end ok "$backup in $(($(date +%s) - started)) s"
printf '%s\n' "$backup"
