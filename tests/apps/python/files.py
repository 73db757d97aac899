# Python's sqlite3 module on a database in /tmp (100,000 rows and an index,
# WAL and rollback-journal modes), its locking against Debian's sqlite3 in
# another process, and the file calls under it: fcntl.flock, fcntl.lockf,
# os.set_blocking (ioctl FIONBIO).
import fcntl
import os
import sqlite3
import struct
import subprocess

ROWS = 100_000


def fill(path, mode):
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)
    db = sqlite3.connect(path)
    assert db.execute(f"PRAGMA journal_mode={mode}").fetchone()[0] == mode
    db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER NOT NULL, v TEXT NOT NULL)")
    with db:
        db.executemany("INSERT INTO t(k, v) VALUES (?, ?)", (((x * 7919) % 100003, f"row{x}") for x in range(1, ROWS + 1)))
    db.execute("CREATE INDEX t_k ON t(k)")
    assert db.execute("SELECT count(*), sum(k), min(v), max(v) FROM t").fetchone() == (ROWS, 5000073754, "row1", "row99999")
    assert db.execute("SELECT id, v FROM t WHERE k = 79190").fetchone() == (10, "row10")
    plan = " ".join(row[-1] for row in db.execute("EXPLAIN QUERY PLAN SELECT v FROM t WHERE k = 5"))
    assert "USING INDEX t_k" in plan, plan
    try:
        with db:
            db.execute("DELETE FROM t")
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert db.execute("SELECT count(*) FROM t").fetchone()[0] == ROWS
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return db


def cli(path, sql):
    return subprocess.run(["/usr/bin/sqlite3", path, sql], capture_output=True, text=True)


for mode in ("wal", "delete"):
    path = f"/tmp/py-{mode}.db"
    db = fill(path, mode)
    seen = cli(path, "SELECT count(*) FROM t")
    assert seen.returncode == 0 and seen.stdout.strip() == str(ROWS), seen
    # While this process holds the write lock, another's write is refused
    # ("database is locked"), and goes in afterwards. In WAL mode the two
    # processes also share the -shm file through MAP_SHARED mappings.
    db.execute("BEGIN EXCLUSIVE")
    refused = cli(path, "INSERT INTO t(k, v) VALUES (1, 'other')")
    assert refused.returncode != 0 and "locked" in refused.stderr, refused
    db.execute("COMMIT")
    accepted = cli(path, "INSERT INTO t(k, v) VALUES (1, 'other')")
    assert accepted.returncode == 0, accepted
    assert db.execute("SELECT count(*) FROM t WHERE v = 'other'").fetchone()[0] == 1
    db.close()
    print(f"python sqlite3 {mode} ok")
for mode in ("wal", "delete"):
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(f"/tmp/py-{mode}.db{suffix}"):
            os.unlink(f"/tmp/py-{mode}.db{suffix}")

# flock and lockf on two open files of one process.
path = "/tmp/py-locks"
with open(path, "w+") as first, open(path, "r+") as second:
    fcntl.flock(first, fcntl.LOCK_EX)
    try:
        fcntl.flock(second, fcntl.LOCK_EX | fcntl.LOCK_NB)
        raise AssertionError("flock should have conflicted")
    except BlockingIOError:
        pass
    fcntl.flock(first, fcntl.LOCK_UN)
    fcntl.flock(second, fcntl.LOCK_SH | fcntl.LOCK_NB)
    # lockf takes a POSIX lock (this process's); another open file
    # description sees it with F_OFD_GETLK, with this process's pid.
    fcntl.lockf(first, fcntl.LOCK_EX, 10)
    query = struct.pack("hhqqi", fcntl.F_RDLCK, os.SEEK_SET, 0, 0, 0)
    kind, _, start, length, pid = struct.unpack("hhqqi", fcntl.fcntl(second, fcntl.F_OFD_GETLK, query))
    assert (kind, start, length, pid) == (fcntl.F_WRLCK, 0, 10, os.getpid()), (kind, start, length, pid)
    fcntl.lockf(first, fcntl.LOCK_UN, 10)
    kind = struct.unpack("hhqqi", fcntl.fcntl(second, fcntl.F_OFD_GETLK, query))[0]
    assert kind == fcntl.F_UNLCK
os.unlink(path)

# os.set_blocking: ioctl FIONBIO.
reader, writer = os.pipe()
os.set_blocking(reader, False)
assert not os.get_blocking(reader)
try:
    os.read(reader, 1)
    raise AssertionError("a non-blocking read of an empty pipe should fail")
except BlockingIOError:
    pass
os.set_blocking(reader, True)
assert os.get_blocking(reader)
os.write(writer, b"x")
assert os.read(reader, 1) == b"x"
print("python files ok")
