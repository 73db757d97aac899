import threading, queue
q = queue.Queue()
def work(n):
    q.put(sum(range(n)))
threads = [threading.Thread(target=work, args=(10000 * (i + 1),)) for i in range(8)]
for t in threads: t.start()
for t in threads: t.join()
results = sorted(q.get() for _ in range(8))
assert results[0] == sum(range(10000)), results
lock = threading.Lock(); counter = [0]
def bump():
    for _ in range(10000):
        with lock: counter[0] += 1
ts = [threading.Thread(target=bump) for _ in range(4)]
[t.start() for t in ts]; [t.join() for t in ts]
assert counter[0] == 40000
ev = threading.Event()
threading.Timer(0.05, ev.set).start()
assert ev.wait(5)
print("python threading ok")
