# Python's mmap and other processes: what the script stores in a
# MAP_SHARED mapping of a /tmp file, a child's read() sees at once (no
# flush), and what a child write()s shows in the mapping at once. (The
# children are dash and cat: two python3.11 processes cannot run at once
# yet, since it is a fixed-address program. multiprocessing's shared
# Value and Lock want /dev/shm and sem_open as well.)
import mmap, os, subprocess

PATH = "/tmp/shared_mmap.bin"
with open(PATH, "w+b") as f:
    f.truncate(8192)
    m = mmap.mmap(f.fileno(), 8192)
    for round in range(10):
        m[5000:5008] = b"ping %03d" % round
        seen = subprocess.run(["/bin/cat", PATH], capture_output=True, check=True).stdout
        assert len(seen) == 8192 and seen[5000:5008] == b"ping %03d" % round, seen[5000:5008]
        # 1<> opens for writing without truncating: the bytes land at offset 0.
        subprocess.run(["/bin/sh", "-c", "printf 'pong %03d' " + str(round) + " 1<>" + PATH], check=True)
        assert m[0:8] == b"pong %03d" % round, m[0:8]
    f.seek(0)
    assert f.read(8) == b"pong 009"
    m.close()
os.unlink(PATH)
print("python shared mmap ok")
