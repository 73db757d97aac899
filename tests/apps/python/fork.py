# os.fork with process.fork = "sequential": the child's changes to its
# memory stay its own, output through a pipe larger than the pipe holds,
# exec from the child, and a child killed by a signal.
import os
import signal

data = list(range(200000))
pid = os.fork()
if pid == 0:
    data.append(1)
    data[0] = "changed"
    os._exit(len(data) - 200000)
_, status = os.waitpid(pid, 0)
assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 1, status
assert len(data) == 200000 and data[0] == 0

read_end, write_end = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(read_end)
    os.write(write_end, b"x" * 300000)
    os._exit(0)
os.close(write_end)
chunks = []
while chunk := os.read(read_end, 65536):
    chunks.append(chunk)
os.close(read_end)
os.waitpid(pid, 0)
assert b"".join(chunks) == b"x" * 300000

read_end, write_end = os.pipe()
pid = os.fork()
if pid == 0:
    os.dup2(write_end, 1)
    os.execv("/bin/echo", ["echo", "exec from fork"])
os.close(write_end)
assert os.read(read_end, 100) == b"exec from fork\n"
_, status = os.waitpid(pid, 0)
assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status

pid = os.fork()
if pid == 0:
    os.kill(os.getpid(), signal.SIGKILL)
_, status = os.waitpid(pid, 0)
assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
print("python fork ok")
