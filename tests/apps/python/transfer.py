# Python's own file-copy paths inside cella: shutil.copyfile uses sendfile,
# coreutils cp uses copy_file_range; os.* exposes the calls directly.
import os
import shutil
import subprocess

data = os.urandom(300_000)
source, target = "/tmp/transfer_src", "/tmp/transfer_dst"
with open(source, "wb") as f:
    f.write(data)

shutil.copyfile(source, target)
with open(target, "rb") as f:
    assert f.read() == data, "shutil.copyfile"
os.unlink(target)

subprocess.run(["/bin/cp", source, target], check=True)
with open(target, "rb") as f:
    assert f.read() == data, "cp"

# From another file system: copy_file_range says EXDEV and cp falls back.
subprocess.run(["/bin/cp", "/usr/bin/python3", "/tmp/transfer_other"], check=True)
with open("/usr/bin/python3", "rb") as a, open("/tmp/transfer_other", "rb") as b:
    assert a.read() == b.read(), "cp across file systems"
os.unlink("/tmp/transfer_other")

with open(source, "rb") as src, open(target, "r+b") as dst:
    assert os.copy_file_range(src.fileno(), dst.fileno(), 1000, 500, 0) == 1000
    assert os.pread(dst.fileno(), 1000, 0) == data[500:1500]
    assert os.sendfile(dst.fileno(), src.fileno(), 10, 20) == 20
    r, w = os.pipe()
    assert os.splice(src.fileno(), w, 100, offset_src=7) == 100
    assert os.read(r, 200) == data[7:107]
    os.close(r)
    os.close(w)
    assert os.preadv(src.fileno(), [bytearray(3), bytearray(4)], 1) == 7
    assert os.pwritev(dst.fileno(), [b"ab", b"cd"], 0, os.RWF_DSYNC) == 4
    assert os.pread(dst.fileno(), 4, 0) == b"abcd"
    os.fsync(dst.fileno())
os.unlink(source)
os.unlink(target)
print("python transfer ok")
