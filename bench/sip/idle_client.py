#!/usr/bin/env python3
"""Holds N idle SIP connections open to one listener, for bench/sip/idle-memory.sh.

    idle_client.py TRANSPORT PORT COUNT      TRANSPORT: tcp, ws, tls or wss; host 127.0.0.1

Each connection is opened, for tls/wss the TLS handshake done (no certificate check), for ws/wss the HTTP upgrade
done with Sec-WebSocket-Protocol: sip, then one OPTIONS sent (so a first-message timeout does not close it). Opening
runs on THREADS threads (16; a TLS handshake with the balancer waits more than it computes). When all are open it prints one line, "open N failed F seconds S PROTOCOL" (the TLS version, or -), and waits for a line
on stdin; then it closes them all with RST (SO_LINGER 0, so no TIME_WAIT is left on the loopback port range) and
prints "closed".
"""
import base64
import os
import socket
import ssl
import struct
import sys
import threading
import time

HOST = "127.0.0.1"
transport, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
threads = int(os.environ.get("THREADS", "16"))
context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE


def options(i, via_transport):
    return (f"OPTIONS sip:bob@{HOST}:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/{via_transport} {HOST}:6000;branch=z9hG4bK-idle-{transport}-{i}\r\n"
            f"Max-Forwards: 70\r\nFrom: <sip:idle@example.com>;tag={i}\r\nTo: <sip:bob@{HOST}>\r\n"
            f"Call-ID: idle-{transport}-{i}-{os.getpid()}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n").encode()


def ws_frame(payload):
    """One masked text frame, as a client must send it."""
    mask = os.urandom(4)
    n = len(payload)
    head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack("!H", n))
    return head + mask + bytes(b ^ mask[k % 4] for k, b in enumerate(payload))


def upgrade(sock):
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET / HTTP/1.1\r\nHost: {HOST}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: sip\r\n"
                  f"Origin: http://{HOST}\r\n\r\n").encode())
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed during the upgrade")
        answer += chunk
    if not answer.startswith(b"HTTP/1.1 101"):
        raise ConnectionError(answer.split(b"\r\n", 1)[0].decode(errors="replace"))


def open_one(i):
    raw = socket.create_connection((HOST, port), timeout=10)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock = context.wrap_socket(raw) if transport in ("tls", "wss") else raw
    try:
        if transport in ("ws", "wss"):
            upgrade(sock)
            sock.sendall(ws_frame(options(i, transport.upper())))
        else:
            sock.sendall(options(i, transport.upper()))
    except Exception:
        sock.close()
        raise
    return sock


sockets, failures, lock = [], [], threading.Lock()


def worker(indices):
    for i in indices:
        try:
            s = open_one(i)
            with lock:
                sockets.append(s)
        except Exception as e:  # counted and reported, the run goes on
            with lock:
                failures.append(repr(e))


start = time.monotonic()
pool = [threading.Thread(target=worker, args=(range(t, count, threads),)) for t in range(threads)]
for t in pool:
    t.start()
for t in pool:
    t.join()
protocol = sockets[0].version() if sockets and hasattr(sockets[0], "version") else "-"
print(f"open {len(sockets)} failed {len(failures)} seconds {time.monotonic() - start:.1f} {protocol}", flush=True)
for reason in sorted(set(failures))[:5]:
    print(f"failure: {reason}", file=sys.stderr)
sys.stdin.readline()
for s in sockets:
    try:
        s.close()
    except OSError:
        pass
print("closed", flush=True)
