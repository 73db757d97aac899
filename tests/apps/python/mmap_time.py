import mmap, time, os
m = mmap.mmap(-1, 1 << 20)
m[0:5] = b"hello"; m[-5:] = b"world"
assert m[0:5] == b"hello" and m[-5:] == b"world"
m.resize(2 << 20) if hasattr(m, "resize") else None
m.close()
with open("/tmp/data.bin", "wb") as f: f.write(b"x" * 10000)
with open("/tmp/data.bin", "r+b") as f:
    mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    assert mm[:3] == b"xxx" and len(mm) == 10000
    mm.close()
t0 = time.time(); m0 = time.monotonic(); c0 = time.process_time()
time.sleep(0.05)
assert time.monotonic() - m0 >= 0.05
assert abs(time.time() - t0 - (time.monotonic() - m0)) < 0.5
sum(range(2_000_000))
assert time.process_time() > c0
assert time.thread_time() > 0
print(time.strftime("%Y", time.gmtime()) >= "2024", "python mmap/time ok")
