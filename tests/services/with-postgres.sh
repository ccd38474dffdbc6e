#!/usr/bin/env bash
# Run a command with a throw-away PostgreSQL cluster on a free loopback port.
#
# Installs Debian's postgresql package when no server binaries exist, runs the cluster as an
# unprivileged user (PostgreSQL refuses root), requires a password over TCP so that the
# "wrong password" tests are real, and always stops and deletes the cluster, also when the
# command fails. The command sees TRANSFER_TEST_PG_URL, TRANSFER_TEST_PG_PASSWORD and
# TRANSFER_TEST_REQUIRE_PG=1 (so the PostgreSQL tests fail instead of skipping).
set -euo pipefail

find_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

PGBIN=$(find_bin || true)
if [ -z "$PGBIN" ]; then
  echo "with-postgres: no PostgreSQL server found; installing Debian's postgresql package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql >/dev/null
  PGBIN=$(find_bin)
fi

DIR=$(mktemp -d /tmp/transfer-pg.XXXXXX)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(16))')

RUNAS=()
if [ "$(id -u)" = "0" ]; then
  OWNER=postgres
  id -u "$OWNER" >/dev/null 2>&1 || OWNER=nobody
  chown "$OWNER" "$DIR"
  RUNAS=(runuser -u "$OWNER" --)
fi

cleanup() {
  "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

printf '%s\n' "$PASSWORD" > "$DIR/pwfile"
[ "${#RUNAS[@]}" -gt 0 ] && chown "$OWNER" "$DIR/pwfile"
chmod 600 "$DIR/pwfile"
"${RUNAS[@]}" "$PGBIN/initdb" -D "$DIR/data" -U transfer --pwfile="$DIR/pwfile" \
  --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-locale >"$DIR/initdb.log" 2>&1 \
  || { cat "$DIR/initdb.log" >&2; exit 1; }
# Durability is pointless for a throw-away cluster; turning it off makes the suite faster.
"${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "$DIR/server.log" >&2; exit 1; }
"${RUNAS[@]}" "$PGBIN/createdb" -h "$DIR" -p "$PORT" -U transfer transfer_test

export TRANSFER_TEST_PG_URL="postgresql+psycopg://transfer@127.0.0.1:$PORT/transfer_test"
export TRANSFER_TEST_PG_PASSWORD="$PASSWORD"
export TRANSFER_TEST_REQUIRE_PG=1
echo "with-postgres: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT" >&2
set +e
"$@"
status=$?
set -e
exit $status
