"""The Python column of the side-by-side benchmark: what a user would write instead of PSIpc, with the standard
library's multiprocessing (a forked child) and Debian's python3-sysv-ipc. Same workloads and output as ipc_bench.c.

usage: python3 ipc_bench.py <mechanism> rt|oneway <size> <count>
  mechanism: pipe fifo sysv unix tcp ring signal mailbox rendezvous   (POSIX queues: no posix_ipc package is installable here)
prints one line: <seconds> <p50 ns> <p99 ns>
"""
import multiprocessing as mp
import os
import signal
import socket
import sys
import tempfile
import time
from multiprocessing import shared_memory

SLOTS = 64


def read_exactly(read, n):
    parts, got = [], 0
    while got < n:
        chunk = read(n - got)
        if not chunk:
            raise EOFError("peer closed")
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts) if len(parts) > 1 else parts[0]


class Ring:
    """A bounded buffer in shared memory with two semaphores, as the tutorial's producer-consumer example."""

    def __init__(self, size):
        self.size = size
        self.shm = shared_memory.SharedMemory(create=True, size=SLOTS * size)
        self.empty = mp.Semaphore(SLOTS)
        self.full = mp.Semaphore(0)
        self.head = 0
        self.tail = 0

    def send(self, data):
        self.empty.acquire()
        at = (self.head % SLOTS) * self.size
        self.shm.buf[at:at + len(data)] = data
        self.head += 1
        self.full.release()

    def recv(self, n):
        self.full.acquire()
        at = (self.tail % SLOTS) * self.size
        data = bytes(self.shm.buf[at:at + n])
        self.tail += 1
        self.empty.release()
        return data

    def remove(self):
        self.shm.close()
        self.shm.unlink()


def make_channel(mech, size):
    """Returns (parent_side, child_side, cleanup): each side is a function returning (send, recv)."""
    if mech == "pipe":
        down_r, down_w = mp.Pipe(duplex=False)
        up_r, up_w = mp.Pipe(duplex=False)
        return (lambda: (down_w.send_bytes, lambda n: up_r.recv_bytes()),
                lambda: (up_w.send_bytes, lambda n: down_r.recv_bytes()),
                lambda: None)
    if mech == "fifo":
        folder = tempfile.mkdtemp(prefix="psipc-bench-py-")
        to, back = os.path.join(folder, "to"), os.path.join(folder, "back")
        os.mkfifo(to, 0o600)
        os.mkfifo(back, 0o600)

        def side(write_path, read_path, write_first):
            if write_first:
                w = os.open(write_path, os.O_WRONLY)
                r = os.open(read_path, os.O_RDONLY)
            else:
                r = os.open(read_path, os.O_RDONLY)
                w = os.open(write_path, os.O_WRONLY)
            return (lambda data: os.write(w, data) and None, lambda n: read_exactly(lambda k: os.read(r, k), n))

        def cleanup():
            os.unlink(to)
            os.unlink(back)
            os.rmdir(folder)
        return (lambda: side(to, back, True), lambda: side(back, to, False), cleanup)
    if mech == "sysv":
        import sysv_ipc
        q = sysv_ipc.MessageQueue(None, sysv_ipc.IPC_CREX, 0o600, max(size, 1))
        return (lambda: (lambda d: q.send(d, True, 1), lambda n: q.receive(True, 2)[0]),
                lambda: (lambda d: q.send(d, True, 2), lambda n: q.receive(True, 1)[0]),
                q.remove)
    if mech in ("unix", "tcp"):
        if mech == "unix":
            path = os.path.join(tempfile.gettempdir(), "psipc-bench-py-%d.sock" % os.getpid())
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listener.bind(path)
            address = path
        else:
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.bind(("127.0.0.1", 0))
            address = listener.getsockname()
        listener.listen(1)

        def parent():
            s, _ = listener.accept()
            if mech == "tcp":
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return (s.sendall, lambda n: read_exactly(s.recv, n))

        def child():
            s = socket.socket(socket.AF_UNIX if mech == "unix" else socket.AF_INET, socket.SOCK_STREAM)
            s.connect(address)
            if mech == "tcp":
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return (s.sendall, lambda n: read_exactly(s.recv, n))

        def cleanup():
            listener.close()
            if mech == "unix":
                os.unlink(path)
        return (parent, child, cleanup)
    if mech in ("mailbox", "rendezvous"):
        # Unix datagram sockets, as PSIpc's mailboxes; rendezvous: each message answered by a 16-byte receipt.
        a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        for s in (a, b):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 2 * size + 4096)
        if mech == "mailbox":
            return (lambda: (a.send, lambda n: a.recv(size)), lambda: (b.send, lambda n: b.recv(size)), lambda: (a.close(), b.close()))

        def send_waiting(data):
            a.send(data)
            a.recv(16)

        def recv_answering(n):
            data = b.recv(size)
            b.send(bytes(16))
            return data
        return (lambda: (send_waiting, lambda n: a.recv(size)), lambda: (b.send, recv_answering), lambda: (a.close(), b.close()))
    if mech == "ring":
        to, back = Ring(size), Ring(size)
        return (lambda: (to.send, back.recv), lambda: (back.send, to.recv), lambda: (to.remove(), back.remove()))
    raise SystemExit("unknown mechanism " + mech)


def child_loop(child_side, rt, size, count):
    send, recv = child_side()
    for _ in range(count):
        data = recv(size)
        if rt:
            send(data)
    if not rt:
        send(b"d")


def signal_child(parent, count):
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    os.kill(parent, signal.SIGUSR2)
    for _ in range(count):
        signal.sigwait({signal.SIGUSR1})
        os.kill(parent, signal.SIGUSR2)


def percentiles(latencies):
    latencies.sort()
    return latencies[len(latencies) // 2] * 1e9, latencies[len(latencies) * 99 // 100] * 1e9


def main():
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    mech, rt, size, count = sys.argv[1], sys.argv[2] == "rt", max(int(sys.argv[3]), 1), int(sys.argv[4])
    ctx = mp.get_context("fork")
    clock = time.perf_counter
    if mech == "signal":
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1, signal.SIGUSR2})
        child = ctx.Process(target=signal_child, args=(os.getpid(), count))
        child.start()
        signal.sigwait({signal.SIGUSR2})
        latencies = []
        start = clock()
        for _ in range(count):
            t = clock()
            os.kill(child.pid, signal.SIGUSR1)
            signal.sigwait({signal.SIGUSR2})
            latencies.append(clock() - t)
        elapsed = clock() - start
        child.join()
        p50, p99 = percentiles(latencies)
        print("%.6f %.0f %.0f" % (elapsed, p50, p99))
        return

    parent_side, child_side, cleanup = make_channel(mech, size)
    try:
        child = ctx.Process(target=child_loop, args=(child_side, rt, size, count))
        child.start()
        send, recv = parent_side()
        payload = bytes(size)
        latencies = []
        start = clock()
        for _ in range(count):
            if rt:
                t = clock()
                send(payload)
                recv(size)
                latencies.append(clock() - t)
            else:
                send(payload)
        if not rt:
            recv(1)
        elapsed = clock() - start
        child.join()
        if child.exitcode != 0:
            raise SystemExit("the child failed")
    finally:
        cleanup()
    p50, p99 = percentiles(latencies) if rt else (0, 0)
    print("%.6f %.0f %.0f" % (elapsed, p50, p99))


if __name__ == "__main__":
    main()
