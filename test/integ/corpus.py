"""Run every case of the malformed-input corpus through the real binary.

A case is one JSON file:
  {"description": "...",
   "env": {"CNI_COMMAND": "ADD", "CNI_NETNS": "@netns", ...},   # "@netns": a pod netns made for the run
   "stdin": <any JSON value>            # or "stdin_raw": "<bytes as a string>"
   "stdin_pad": N,                      # optional: N spaces appended (size limits)
   "code": 7,                           # the CNI error code expected
   "msg": ["substring", ...]}           # optional: each must occur in the error's msg

For each case it checks that the plugin exits non-zero, that stdout holds exactly one JSON
document, the error object {cniVersion, code, msg[, details]} with the expected code and
message, and that nothing was created: links and addresses on the host and in the pod netns,
files under the run and state directories.
"""
import json
import os
import subprocess
import sys

BIN = os.environ["OSVIF_BIN"]
RUN_DIR = os.environ["OSVIF_RUN_DIR"]
STATE_DIR = os.environ["OSVIF_STATE_DIR"]
NETNS = "/run/netns/corpus-pod"


def ip_json(*args, netns=None):
    cmd = ["ip", "-j"] + (["-n", os.path.basename(netns)] if netns else []) + list(args)
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout or "[]")


def files(root):
    out = []
    for d, _, names in os.walk(root):
        out += [os.path.join(d, n) for n in names]
    return sorted(out)


def snapshot():
    def links(ns=None):
        return sorted((l["ifname"], l.get("master", ""), l.get("ifalias", ""), tuple(l["flags"]))
                      for l in ip_json("link", "show", netns=ns))

    def addrs(ns=None):
        return sorted((a["ifname"], i["local"], i["prefixlen"])
                      for a in ip_json("addr", "show", netns=ns) for i in a.get("addr_info", []))
    return {"host links": links(), "host addresses": addrs(),
            "pod links": links(NETNS), "pod addresses": addrs(NETNS),
            "run dir": files(RUN_DIR), "state dir": files(STATE_DIR)}


def run_case(path):
    with open(path) as f:
        case = json.load(f)
    env = {"PATH": os.environ["PATH"], "OSVIF_RUN_DIR": RUN_DIR, "OSVIF_STATE_DIR": STATE_DIR}
    for k, v in case.get("env", {}).items():
        env[k] = NETNS if v == "@netns" else v.replace("@cnipath", "/usr/lib/cni")
    if "stdin_raw" in case:
        data = case["stdin_raw"].encode()
    else:
        data = json.dumps(case.get("stdin")).encode()
    data += b" " * case.get("stdin_pad", 0)
    before = snapshot()
    p = subprocess.run([BIN], input=data, env=env, capture_output=True, timeout=60)
    after = snapshot()
    problems = []
    if p.returncode == 0:
        problems.append("exit status 0")
    out = p.stdout.decode(errors="replace")
    try:
        doc, end = json.JSONDecoder().raw_decode(out.lstrip())
        if out.lstrip()[end:].strip():
            problems.append("stdout holds more than one document: %r" % out)
    except ValueError:
        problems.append("stdout is not one JSON document: %r" % out)
        doc = {}
    if doc:
        if set(doc) - {"cniVersion", "code", "msg", "details"} or not {"code", "msg"} <= set(doc):
            problems.append("not a CNI error object: %r" % doc)
        if doc.get("code") != case["code"]:
            problems.append("code %r, expected %r (msg %r)" % (doc.get("code"), case["code"], doc.get("msg")))
        for want in case.get("msg", []):
            if want not in doc.get("msg", ""):
                problems.append("msg %r lacks %r" % (doc.get("msg"), want))
    for k in before:
        if before[k] != after[k]:
            problems.append("%s changed: %r -> %r" % (k, before[k], after[k]))
    return problems, "%s %s" % (doc.get("code"), doc.get("msg"))


def main(corpus):
    subprocess.run(["ip", "netns", "add", "corpus-pod"], check=True)
    cases = sorted(f for f in os.listdir(corpus) if f.endswith(".json"))
    failed = 0
    for name in cases:
        problems, got = run_case(os.path.join(corpus, name))
        print("%s %s: %s" % ("not ok" if problems else "ok", name, got))
        for pr in problems:
            print("    " + pr)
        failed += bool(problems)
    print("%d cases, %d failed" % (len(cases), failed))
    if len(cases) < 100:
        print("the corpus must hold at least 100 cases")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
