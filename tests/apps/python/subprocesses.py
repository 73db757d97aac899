# Processes from Python: subprocess (vfork inside _posixsubprocess),
# os.system (posix_spawn of /bin/sh), os.posix_spawn, and os.fork's ENOSYS.
import errno
import os
import subprocess
import sys

result = subprocess.run(["/bin/echo", "hello", "child"], capture_output=True, check=True)
assert result.stdout == b"hello child\n", result
result = subprocess.run(["/bin/cat"], input=b"through cat\n" * 1000, capture_output=True)
assert result.returncode == 0 and result.stdout == b"through cat\n" * 1000
result = subprocess.run(["/bin/sh", "-c", "echo to stderr >&2; exit 3"], capture_output=True)
assert result.returncode == 3 and result.stderr == b"to stderr\n", result
result = subprocess.run("echo $((6 * 7))", shell=True, capture_output=True, text=True)
assert result.stdout == "42\n", result

# Popen with pipes in both directions.
with subprocess.Popen(["/bin/tr", "a-z", "A-Z"], stdin=subprocess.PIPE, stdout=subprocess.PIPE) as child:
    out, _ = child.communicate(b"shout this\n" * 5000)
assert child.returncode == 0 and out == b"SHOUT THIS\n" * 5000
lines = []
with subprocess.Popen(["/bin/cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1) as child:
    for i in range(20):
        child.stdin.write(f"line {i}\n")
        child.stdin.flush()
        lines.append(child.stdout.readline())
    child.stdin.close()
assert lines == [f"line {i}\n" for i in range(20)], lines

# A missing program raises in the parent, a failing one reports its status.
try:
    subprocess.run(["/bin/no-such-program"])
    raise AssertionError("missing program ran")
except FileNotFoundError:
    pass
assert subprocess.call(["/bin/sh", "-c", "kill -TERM $$"]) == -15

# os.system runs /bin/sh -c.
status = os.system("echo from os.system > /tmp/system.txt")
assert os.waitstatus_to_exitcode(status) == 0
assert open("/tmp/system.txt").read() == "from os.system\n"
assert os.waitstatus_to_exitcode(os.system("exit 7")) == 7

# os.posix_spawn with file actions.
pid = os.posix_spawn("/bin/echo", ["echo", "spawned"], os.environ,
                     file_actions=[(os.POSIX_SPAWN_OPEN, 1, "/tmp/spawn.txt", os.O_WRONLY | os.O_CREAT, 0o644)])
_, status = os.waitpid(pid, 0)
assert os.waitstatus_to_exitcode(status) == 0
assert open("/tmp/spawn.txt").read() == "spawned\n"

# fork cannot copy an address space here: OSError(ENOSYS), not a crash.
try:
    os.fork()
    raise AssertionError("fork returned")
except OSError as error:
    assert error.errno == errno.ENOSYS, error

print("python subprocess ok")
