"""The JSON Schema of the network config (schemas/osvif-netconf.schema.json) against the
examples, the corpus of invalid configs and osvif itself, with Debian's python3-jsonschema.

    examples.py SRCDIR OSVIF_BIN

1. Every file in examples/ is a config that the schema accepts (each osvif plugin of a
   conflist, each NetworkAttachmentDefinition's spec.config), or one of the files listed in
   NOT_CONFIGS; an unknown file fails, so a new example cannot go unchecked.
2. Every config-level case of test/data/corpus (code 1 or 7 on a config alone) is rejected,
   except those in BEYOND_SCHEMA, which say why a JSON Schema cannot catch them.
3. The schema and `osvif validate` agree on every VIF fixture of test/data/vif and on every
   VIF type x port profile combination, so the schema follows the mapping (src/plan).
"""
import glob
import json
import os
import subprocess
import sys

import jsonschema
import yaml

src, osvif = sys.argv[1], sys.argv[2]
with open(f"{src}/schemas/osvif-netconf.schema.json", encoding="utf-8") as f:
    SCHEMA = json.load(f)
jsonschema.Draft202012Validator.check_schema(SCHEMA)
CONF = jsonschema.Draft202012Validator(SCHEMA)
VIF = jsonschema.Draft202012Validator({"$ref": "#/$defs/vif", "$defs": SCHEMA["$defs"]})
failures = []

# files in examples/ that are not network configs, and what checks them instead
NOT_CONFIGS = {
    "Makemodule.am": "the build's list of examples",
    "demo.sh": "test/integ/demo.sh runs it",
    "kubernetes/daemonset.yaml": "test/pkg/k8s.sh (Kubernetes API schema)",
    "kubernetes/Containerfile": "test/pkg/image.sh builds it",
    "kubernetes/install.sh": "test/pkg/image.sh runs it",
    "kubernetes/build-image.sh": "test/pkg/image.sh runs it",
}

# corpus codes that are not about the config alone
NOT_CONFIG_CODES = {
    4: "the CNI_* environment",
    6: "decoding (size limit, a malformed prevResult)",
    11: "the host at ADD time (OVSDB unreachable)",
    102: "the pod's netns",
    103: "the host at ADD time (a name taken)",
    105: "the IPAM plugin missing from CNI_PATH",
    110: "a valid config this version cannot plug yet",
}

# corpus cases that are invalid for a reason no JSON Schema of the config can see
BEYOND_SCHEMA = {
    "086-vif-ovs-bridge-mismatch.json": "two fields (bridge_name, network.bridge) must be equal",
    "130-annotation-not-json.json": "the VIF is inside a JSON string (a pod annotation)",
    "131-annotation-map-entry-bad.json": "the VIF is inside a JSON string (a pod annotation)",
    "132-annotation-custom-key.json": "the VIF is inside a JSON string (a pod annotation)",
    "139-subnet-ip-outside-cidr.json": "two fields (a fixed IP and its subnet's cidr) compared",
    "140-subnet-ip-other-family.json": "two fields (a fixed IP and its subnet's cidr) compared",
    "160-podvif-off-args.json": "a per-pod VIF judged against podVif (two parts compared)",
    "161-podvif-host-bridge.json": "a per-pod VIF judged against podVif (two parts compared)",
    "162-podvif-new-bridge-annotation.json": "a per-pod VIF judged against podVif (two parts compared)",
    "168-podvif-type.json": "a per-pod VIF judged against podVif (two parts compared)",
}


def errors(validator, doc):
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:200]}"
            for e in validator.iter_errors(doc)]


def plugin_confs(conf, where):
    """The osvif plugin objects of a conflist or a single config, as a runtime passes them."""
    if "plugins" in conf:
        out = []
        for i, p in enumerate(conf["plugins"]):
            if p.get("type") == "osvif":
                out.append((f"{where} plugins[{i}]", dict(p, name=conf.get("name"), cniVersion=conf.get("cniVersion"))))
        return out
    return [(where, conf)] if conf.get("type") == "osvif" else []


# 1. the examples
n_confs = 0
for path in sorted(glob.glob(f"{src}/examples/**/*", recursive=True)):
    if os.path.isdir(path):
        continue
    rel = os.path.relpath(path, f"{src}/examples")
    docs = []
    if rel.endswith((".conflist", ".conf", ".json")):
        with open(path, encoding="utf-8") as f:
            docs.append((rel, json.load(f)))
    elif rel.endswith(".yaml") and rel not in NOT_CONFIGS:
        with open(path, encoding="utf-8") as f:
            for doc in yaml.safe_load_all(f):
                if not doc or doc.get("kind") != "NetworkAttachmentDefinition":
                    failures.append(f"examples/{rel}: a {doc and doc.get('kind')}, not a NetworkAttachmentDefinition")
                    continue
                docs.append((f"{rel} spec.config", json.loads(doc["spec"]["config"])))
    elif rel not in NOT_CONFIGS:
        failures.append(f"examples/{rel}: neither a config nor in NOT_CONFIGS: check it or list it")
        continue
    for where, conf in docs:
        confs = plugin_confs(conf, where)
        if not confs:
            failures.append(f"examples/{where}: no osvif plugin in it")
        for w, c in confs:
            n_confs += 1
            for e in errors(CONF, c):
                failures.append(f"examples/{w}: the schema rejects a valid example: {e}")
print(f"examples: {n_confs} osvif configs in examples/, each accepted by the schema")

# 2. the corpus
n_rejected, skipped = 0, {}
for path in sorted(glob.glob(f"{src}/test/data/corpus/*.json")):
    name = os.path.basename(path)
    with open(path, encoding="utf-8") as f:
        case = json.load(f)
    stdin, code = case.get("stdin"), case.get("code")
    verb = case.get("env", {}).get("CNI_COMMAND")
    if not isinstance(stdin, dict):
        why = "stdin is not a JSON object (decoding)"
    elif code not in (1, 7):
        why = f"code {code}: " + NOT_CONFIG_CODES.get(code, "not an invalid config")
    elif code == 1 and verb not in ("ADD", "DEL"):
        why = f"code 1 for {verb}: the version floor depends on the verb"
    elif name in BEYOND_SCHEMA:
        why = BEYOND_SCHEMA[name]
        if errors(CONF, stdin):
            failures.append(f"corpus {name}: listed as beyond the schema, but the schema rejects it: drop it from BEYOND_SCHEMA")
    else:
        if not errors(CONF, stdin):
            failures.append(f"corpus {name} ({case.get('description')}): the schema accepts an invalid config")
        n_rejected += 1
        continue
    skipped[why] = skipped.get(why, 0) + 1
print(f"examples: {n_rejected} invalid corpus configs, each rejected by the schema; not for a schema:")
for why, n in sorted(skipped.items()):
    print(f"  {n:3d}  {why}")


# 3. the schema and osvif agree
def osvif_accepts(vif):
    r = subprocess.run([osvif, "validate", "-"], input=json.dumps(vif), capture_output=True, text=True)
    if r.returncode not in (0, 1):
        failures.append(f"osvif validate exited {r.returncode}: {r.stderr.strip()}")
    return r.returncode == 0


def agree(what, vif):
    ours, theirs = not errors(VIF, vif), osvif_accepts(vif)
    if ours != theirs:
        failures.append(f"{what}: osvif {'accepts' if theirs else 'refuses'} it, the schema "
                        f"{'accepts' if ours else 'refuses'} it: {json.dumps(vif)[:300]}")


for path in sorted(glob.glob(f"{src}/test/data/vif/*.json")):
    with open(path, encoding="utf-8") as f:
        agree(f"test/data/vif/{os.path.basename(path)}", json.load(f))
# each VIF type with what it needs, bare and with each port profile
TYPES = {
    "generic": {},
    "bridge": {"bridge_name": "br0", "network": {"bridge": "br-int"}},
    "ovs": {"bridge_name": "br-int"},
    "direct": {"dev_address": "0000:00:05.0", "mode": "vepa"},
    "vhostuser": {"path": "/run/vhu.sock", "mode": "client"},
    "hostdev": {"dev_address": "0000:00:05.0", "dev_type": "ethernet"},
    "nested_dpdk": {"pci_address": "0000:00:05.0", "dev_driver": "virtio-pci"},
    "vlan_nested": {"vlan_id": 100},
    "macvlan_nested": {},
}
PROFILES = [None, "openvswitch", "fp_openvswitch", "ovs_representor", "fp_bridge", "fp_tap",
            "8021qbg", "8021qbh", "k8s_dpdk"]
n = 0
for t, fields in TYPES.items():
    for p in PROFILES:
        vif = dict(type=t, **fields)
        if p:
            vif["port_profile"] = {"type": p}
        agree(f"VIF {t} with profile {p}", vif)
        n += 1
        # and without each field the type needs
        for k in fields:
            less = {key: v for key, v in vif.items() if key != k}
            agree(f"VIF {t} with profile {p}, without {k}", less)
            n += 1
print(f"examples: the schema and osvif validate agree on {n} VIF combinations and the fixtures")

if failures:
    print("FAIL:\n  " + "\n  ".join(failures), file=sys.stderr)
    sys.exit(1)
