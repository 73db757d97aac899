# Debian's sqlite3 on a database in /tmp (ramfs): 100,000 rows and an
# index, in WAL mode and in the default (rollback journal) mode; a second
# sqlite3 process opens each database again. The answers must be those
# of sqlite.expected (what sqlite3 answers natively).
set -eu
for mode in wal delete; do
  rm -f /tmp/x.db /tmp/x.db-wal /tmp/x.db-shm /tmp/x.db-journal
  { echo "PRAGMA journal_mode=$mode;"; cat /root/sqlite.sql; } | sqlite3 /tmp/x.db >/tmp/answers
  sqlite3 /tmp/x.db "SELECT 'reopened', count(*), sum(k) FROM t WHERE v <> 'changed';" >>/tmp/answers
  sed "s/^MODE$/$mode/" /root/sqlite.expected >/tmp/expected
  if cmp -s /tmp/expected /tmp/answers; then echo "sqlite $mode ok"; else diff /tmp/expected /tmp/answers; exit 1; fi
done
rm -f /tmp/x.db /tmp/answers /tmp/expected
