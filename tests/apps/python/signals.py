import signal, time
fired = []
signal.signal(signal.SIGALRM, lambda s, f: fired.append(s))
signal.alarm(1)
t0 = time.monotonic()
while not fired and time.monotonic() - t0 < 5:
    time.sleep(0.01)
assert fired == [signal.SIGALRM], fired
signal.setitimer(signal.ITIMER_REAL, 0.05, 0.05)
n = len(fired)
time.sleep(0.3)
signal.setitimer(signal.ITIMER_REAL, 0)
assert len(fired) - n >= 3, fired
try:
    signal.signal(signal.SIGUSR1, lambda s, f: (_ for _ in ()).throw(KeyboardInterrupt))
    import os; os.kill(os.getpid(), signal.SIGUSR1)
    raise SystemExit("no exception")
except KeyboardInterrupt:
    pass
print("python signal ok")
