"""A hostile OVSDB server on a unix socket, for hardening.sh.

fake_ovsdb.py SOCKET MODE: listens on SOCKET; for each connection, reads the client's first
request and then, by MODE:
  stream   answers with a reply that never ends: {"id":<id>,"result":[" followed by an
           endless string, as fast as the socket takes it
  huge     answers with one complete, valid reply of 64 MiB
  chatter  never answers: sends small notifications (other ids) back to back, forever
Each connection is served until the client goes away. Prints the bytes it sent per connection
to SOCKET.log, so the test can see how much the client read.
"""
import json
import os
import socket
import sys
import threading

path, mode = sys.argv[1], sys.argv[2]


def first_id(conn):
    buf = b""
    dec = json.JSONDecoder()
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        buf += chunk
        try:
            msg, _ = dec.raw_decode(buf.decode())
            return msg.get("id")
        except ValueError:
            continue


def serve(conn):
    sent = 0
    try:
        rid = first_id(conn)
        head = ('{"id":%s,"error":null,"result":["' % json.dumps(rid)).encode()
        if mode != "chatter":
            conn.sendall(head)
            sent += len(head)
        if mode == "stream":
            block = b"x" * 65536
            while True:
                conn.sendall(block)
                sent += len(block)
        elif mode == "huge":
            block = b"x" * (1024 * 1024)
            for _ in range(64):
                conn.sendall(block)
                sent += len(block)
            conn.sendall(b'"]}')
            first_id(conn)  # until the client goes away
        elif mode == "chatter":
            note = b'{"id":"other","result":[],"error":null}' * 1000
            while True:
                conn.sendall(note)
                sent += len(note)
    except OSError:
        pass
    finally:
        conn.close()
        with open(path + ".log", "a") as f:
            f.write("%d\n" % sent)


if os.path.exists(path):
    os.unlink(path)
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(16)
open(path + ".ready", "w").close()
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
