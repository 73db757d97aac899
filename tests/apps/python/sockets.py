# AF_UNIX sockets from Python: socket.socketpair, a named stream server
# with a client in a thread, datagrams, fd passing (socket.send_fds), and
# asyncio, whose event loop needs a socketpair for its self-pipe.
import array
import asyncio
import os
import socket
import threading

a, b = socket.socketpair()
a.sendall(b"x" * 100000)
a.shutdown(socket.SHUT_WR)
received = b""
while chunk := b.recv(65536):
    received += chunk
assert received == b"x" * 100000, len(received)
a.close()
b.close()

path = f"/tmp/py-socket-{os.getpid()}"
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
server.listen()
assert server.getsockname() == path


def client():
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as c:
        c.connect(path)
        c.sendall(b"hello server")
        assert c.recv(100) == b"HELLO SERVER"


thread = threading.Thread(target=client)
thread.start()
connection, _ = server.accept()
with connection:
    data = connection.recv(100)
    connection.sendall(data.upper())
thread.join()
server.close()
os.unlink(path)

d1, d2 = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
d1.send(b"one")
d1.send(b"two")
assert d2.recv(10) == b"one" and d2.recv(10) == b"two"

r, w = os.pipe()
socket.send_fds(d1, [b"fd"], [w])
message, fds, flags, _ = socket.recv_fds(d2, 10, 4)
assert message == b"fd" and len(fds) == 1, (message, fds)
os.write(fds[0], b"through a passed fd")
assert os.read(r, 100) == b"through a passed fd"
for fd in (r, w, fds[0]):
    os.close(fd)
d1.close()
d2.close()


async def trivial():
    await asyncio.sleep(0)
    return 42


assert asyncio.run(trivial()) == 42


async def echo(reader, writer):
    line = await reader.readline()
    writer.write(line.upper())
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def unix_server():
    server = await asyncio.start_unix_server(echo, path=path)
    async with server:
        reader, writer = await asyncio.open_unix_connection(path)
        writer.write(b"asyncio line\n")
        await writer.drain()
        answer = await reader.readline()
        assert await reader.read() == b""
        writer.close()
        await writer.wait_closed()
    return answer


assert asyncio.run(unix_server()) == b"ASYNCIO LINE\n"
os.unlink(path)
print("python sockets ok")
