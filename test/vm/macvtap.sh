#!/bin/bash
# In test/vm's guest: Kata's vhost-net/tap path. A macvtap on a veth gets its /dev/tapN; a frame
# written there leaves through the veth, a frame sent to the macvtap's MAC is read there; and
# /dev/vhost-net opens. This host's kernel has neither macvtap nor vhost-net.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/vm/kernel-lib.sh"
require_root
require_vm
isolate "$0" "$@"

make_netns peer
ip link add mv0 type veth peer name mv1 netns peer
ip link set mv0 up
ip -n peer link set mv1 up
ip link add link mv0 name mvt0 address fa:16:3e:00:0a:01 type macvtap mode bridge || fail "macvtap"
ip link set mvt0 up
idx=$(cat /sys/class/net/mvt0/ifindex 2>/dev/null || ip -j link show mvt0 | json_get 'd[0]["ifindex"]')
for _ in $(seq 1 100); do [ -c "/dev/tap$idx" ] && break; sleep 0.1; done
[ -c "/dev/tap$idx" ] || fail "no /dev/tap$idx for mvt0"

# the frames: 10 bytes of virtio_net_hdr (macvtap opens with IFF_VNET_HDR), then Ethernet with
# the local experimental EtherType 0x88b5
/usr/bin/python3 - "/dev/tap$idx" <<'PY' || fail "frames through /dev/tap$idx"
import os, select, socket, subprocess, sys, time
tap = os.open(sys.argv[1], os.O_RDWR)
mine = bytes.fromhex("fa163e000a01")
# out: the peer reads what the tap writes
listen = subprocess.Popen(["ip", "netns", "exec", "peer", "/usr/bin/python3", "-c", """
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x88b5))
s.bind(("mv1", 0)); s.settimeout(30)
print("bound", flush=True)
print(s.recv(2048)[14:].decode(errors="replace"), flush=True)
"""], stdout=subprocess.PIPE, text=True)
assert listen.stdout.readline() == "bound\n"  # the frame goes out once the peer listens
os.write(tap, bytes(10) + b"\xff" * 6 + mine + b"\x88\xb5" + b"out via macvtap".ljust(50, b"."))
got = listen.communicate(timeout=60)[0]
assert got.startswith("out via macvtap"), "the peer got %r" % got
# in: the peer sends to the macvtap's MAC, the tap reads it
subprocess.run(["ip", "netns", "exec", "peer", "/usr/bin/python3", "-c", """
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("mv1", 0))
s.send(bytes.fromhex("fa163e000a01") + bytes.fromhex("fa163e000a02") + b"\\x88\\xb5" + b"in via macvtap".ljust(50, b"."))
"""], check=True)
deadline = time.time() + 20
while time.time() < deadline:
    r, _, _ = select.select([tap], [], [], 1)
    if r:
        frame = os.read(tap, 2048)[10:]
        if frame[12:14] == b"\x88\xb5":
            assert frame[14:].startswith(b"in via macvtap"), frame
            break
else:
    raise SystemExit("nothing read from the tap")
PY
/usr/bin/python3 -c 'import os; os.close(os.open("/dev/vhost-net", os.O_RDWR))' || fail "cannot open /dev/vhost-net"
echo "macvtap: ok"
