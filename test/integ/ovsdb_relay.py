"""A relay in front of the real ovsdb-server that loses one answer, for ovs_robust.sh.

ovsdb_relay.py LISTEN UPSTREAM LOG: listens on the unix socket LISTEN and relays every
connection to the unix socket UPSTREAM (the real ovsdb-server), byte for byte. The first
"transact" that inserts into table Port is relayed as usual; when the server's answer to it
arrives, the relay writes that answer to LOG (one line: "lost <answer>") and closes the
client's connection instead of passing the answer on. So the server has committed the port
and the client sees its connection go, as when ovsdb-server restarts after a commit. Every
later connection and transaction is relayed untouched.
"""
import codecs
import json
import os
import socket
import sys
import threading

listen, upstream, log = sys.argv[1], sys.argv[2], sys.argv[3]
lock = threading.Lock()
state = {"armed": True}
dec = json.JSONDecoder()


def messages(text):
    """Splits the complete JSON messages off the front of text: ([(text, obj)...], rest)."""
    out = []
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return out, ""
        try:
            obj, end = dec.raw_decode(text, pos)
        except ValueError:
            return out, text[pos:]
        out.append((text[pos:end], obj))
        pos = end


def inserts_port(msg):
    if not isinstance(msg, dict) or msg.get("method") != "transact":
        return False
    ops = msg.get("params", [])[1:]
    return any(isinstance(o, dict) and o.get("op") == "insert" and o.get("table") == "Port"
               for o in ops)


def serve(client):
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.connect(upstream)
    lost = {"id": None}
    done = threading.Event()

    def close_both():
        done.set()
        for s in (client, server):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def pump(src, dst, on_message):
        """Relays src to dst message by message until on_message says stop (False)."""
        buf, utf8 = "", codecs.getincrementaldecoder("utf-8")()
        try:
            while not done.is_set():
                chunk = src.recv(65536)
                if not chunk:
                    break
                msgs, buf = messages(buf + utf8.decode(chunk))
                for text, msg in msgs:
                    if not on_message(msg):
                        close_both()
                        return
                    dst.sendall(text.encode())
        except OSError:
            pass
        close_both()

    def request(msg):  # client -> server: spots the transaction whose answer goes
        with lock:
            if state["armed"] and inserts_port(msg):
                state["armed"] = False
                lost["id"] = msg.get("id")
        return True

    def answer(msg):  # server -> client: all but that one answer
        if lost["id"] is not None and isinstance(msg, dict) and \
                msg.get("id") == lost["id"] and "result" in msg:
            with open(log, "a") as f:
                f.write("lost " + json.dumps(msg) + "\n")
            return False
        return True

    threads = [threading.Thread(target=pump, args=(client, server, request), daemon=True),
               threading.Thread(target=pump, args=(server, client, answer), daemon=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    client.close()
    server.close()


def main():
    if os.path.exists(listen):
        os.unlink(listen)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(listen)
    srv.listen(16)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


main()
