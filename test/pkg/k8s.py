"""The Kubernetes manifests of examples/kubernetes against the Kubernetes API schema.

    k8s.py SRCDIR

No cluster here: each object is checked against Debian's python3-kubernetes models (the
OpenAPI types of Kubernetes 1.22), strictly: an unknown field, a wrong type or a missing
required field fails, where the client itself would silently drop an unknown field. The
Multus NetworkAttachmentDefinition is a custom resource: it is checked against the NAD
CRD's own schema (k8s.cni.cncf.io/v1, below) and its spec.config against osvif's netconf
schema. Then what the API cannot see: the DaemonSet's selector matches its pods, every
volume mount names a volume, the installer image is the one build-image.sh builds.
"""
import glob
import json
import os
import re
import sys

import jsonschema
import kubernetes.client
import yaml
from kubernetes.client import ApiClient

src = sys.argv[1]
failures = []
PRIMITIVE = {"str": str, "int": int, "bool": bool, "float": (int, float), "object": object}

# the NetworkAttachmentDefinition CRD of Multus (deployments/multus-daemonset.yml,
# network-attachment-definitions.k8s.cni.cncf.io), its openAPIV3Schema, and the object's frame
NAD_SCHEMA = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "additionalProperties": False,
    "properties": {
        "apiVersion": {"const": "k8s.cni.cncf.io/v1"},
        "kind": {"const": "NetworkAttachmentDefinition"},
        "metadata": {"type": "object"},
        "spec": {
            "description": "NetworkAttachmentDefinition spec defines the desired state of a network attachment",
            "type": "object",
            "additionalProperties": False,
            "required": ["config"],
            "properties": {
                "config": {"description": "NetworkAttachmentDefinition config is a JSON-formatted CNI configuration",
                           "type": "string"},
            },
        },
    },
}
with open(f"{src}/schemas/osvif-netconf.schema.json", encoding="utf-8") as f:
    NETCONF = jsonschema.Draft202012Validator(json.load(f))
# os-vif class names of the VIF types, by the C enum's suffix (src/vif/model.h) and by short name
VIF_CLASS = {"GENERIC": "VIFGeneric", "BRIDGE": "VIFBridge", "OPENVSWITCH": "VIFOpenVSwitch",
             "DIRECT": "VIFDirect", "VHOSTUSER": "VIFVHostUser", "HOSTDEVICE": "VIFHostDevice",
             "NESTED_DPDK": "VIFNestedDPDK", "VLAN_NESTED": "VIFVlanNested",
             "MACVLAN_NESTED": "VIFMacvlanNested"}
SHORT = {"generic": "VIFGeneric", "bridge": "VIFBridge", "ovs": "VIFOpenVSwitch",
         "direct": "VIFDirect", "vhostuser": "VIFVHostUser", "hostdev": "VIFHostDevice",
         "nested_dpdk": "VIFNestedDPDK", "vlan_nested": "VIFVlanNested",
         "macvlan_nested": "VIFMacvlanNested"}


def served_types():
    """The VIF types with a served row in the mapping (src/plan/mapping.c: a row with .build)."""
    with open(f"{src}/src/plan/mapping.c", encoding="utf-8") as f:
        table = f.read().split("osvif_mapping[] = {", 1)[1].split("\n};", 1)[0]
    rows = [m.group(1) for row in table.split("\n        },")
            for m in [re.search(r"\.vif = OSVIF_VIF_([A-Z_]+),", row)] if m and ".build = " in row]
    assert rows, "no rows found in src/plan/mapping.c"
    return {VIF_CLASS[r] for r in rows}


nad_types = set()
DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def strict(value, typ, path):
    """Walk `value` against the model type name `typ` (as in openapi_types)."""
    if value is None:
        return
    m = re.match(r"^list\[(.*)\]$", typ)
    if m:
        if not isinstance(value, list):
            failures.append(f"{path}: a list expected, got {type(value).__name__}")
            return
        for i, v in enumerate(value):
            strict(v, m.group(1), f"{path}[{i}]")
        return
    m = re.match(r"^dict\(str, (.*)\)$", typ)
    if m:
        if not isinstance(value, dict):
            failures.append(f"{path}: a map expected, got {type(value).__name__}")
            return
        for k, v in value.items():
            strict(v, m.group(1), f"{path}.{k}")
        return
    if typ in PRIMITIVE:
        if not isinstance(value, PRIMITIVE[typ]) or (typ == "int" and isinstance(value, bool)):
            failures.append(f"{path}: {typ} expected, got {value!r}")
        return
    if typ == "datetime":
        return
    model = getattr(kubernetes.client, typ)
    if not isinstance(value, dict):
        failures.append(f"{path}: a {typ} object expected, got {value!r}")
        return
    by_json = {j: p for p, j in model.attribute_map.items()}
    for k, v in value.items():
        if k not in by_json:
            failures.append(f"{path}.{k}: no such field in {typ}")
            continue
        strict(v, model.openapi_types[by_json[k]], f"{path}.{k}")


def deserialize(doc, typ, where):
    """The client's own deserialization, which enforces required fields and enums."""
    try:
        # pylint: disable=protected-access
        return ApiClient()._ApiClient__deserialize(doc, typ)
    except (ValueError, TypeError) as e:
        failures.append(f"{where}: {typ}: {e}")
        return None


def check_daemonset(doc, where):
    strict(doc, "V1DaemonSet", where)
    ds = deserialize(doc, "V1DaemonSet", where)
    if ds is None:
        return
    labels = ds.spec.template.metadata.labels or {}
    for k, v in (ds.spec.selector.match_labels or {}).items():
        if labels.get(k) != v:
            failures.append(f"{where}: the selector {k}={v} does not match the pod template's labels")
    pod = ds.spec.template.spec
    volumes = {v.name for v in pod.volumes or []}
    for c in (pod.init_containers or []) + pod.containers:
        for m in c.volume_mounts or []:
            if m.name not in volumes:
                failures.append(f"{where}: container {c.name} mounts {m.name}, which is no volume")
        if not c.image.startswith("localhost/osvif-installer:"):
            failures.append(f"{where}: container {c.name} runs {c.image}, not the installer image")
    install = [c for c in pod.init_containers or [] if c.name == "install"]
    if not install:
        failures.append(f"{where}: no init container 'install'")
    else:
        env = {e.name: e.value for e in install[0].env or []}
        mounts = {m.mount_path for m in install[0].volume_mounts or []}
        if env.get("CNI_BIN_DIR") not in mounts:
            failures.append(f"{where}: the installer's CNI_BIN_DIR {env.get('CNI_BIN_DIR')} is not a mount")
    print(f"k8s: {where}: a valid apps/v1 DaemonSet")


def check_nad(doc, where):
    for e in jsonschema.Draft202012Validator(NAD_SCHEMA).iter_errors(doc):
        failures.append(f"{where}: NAD CRD schema: {'/'.join(map(str, e.absolute_path))}: {e.message}")
    strict(doc.get("metadata"), "V1ObjectMeta", f"{where}.metadata")
    name = (doc.get("metadata") or {}).get("name", "")
    if not DNS_SUBDOMAIN.match(name) or len(name) > 253:
        failures.append(f"{where}: metadata.name {name!r} is not a DNS subdomain")
    try:
        conf = json.loads(doc["spec"]["config"])
    except (KeyError, TypeError, ValueError) as e:
        failures.append(f"{where}: spec.config is not JSON: {e}")
        return
    if conf.get("name") != name:
        failures.append(f"{where}: the network's name {conf.get('name')!r} differs from the NAD's {name!r}")
    plugins = [dict(p, name=conf.get("name"), cniVersion=conf.get("cniVersion"))
               for p in conf.get("plugins", [conf]) if p.get("type") == "osvif"]
    if not plugins:
        failures.append(f"{where}: no osvif plugin in spec.config")
    for p in plugins:
        vif = p.get("vif") or {}
        t = vif.get("type") or vif.get("versioned_object.name")
        nad_types.add(SHORT.get(t, t))
        for e in NETCONF.iter_errors(p):
            failures.append(f"{where}: spec.config: {'/'.join(map(str, e.absolute_path))}: {e.message[:200]}")
        # per-pod VIF sources stay off in the examples (see the comment in each file)
        if (p.get("capabilities") or {}).get("io.kubernetes.cri.pod-annotations"):
            failures.append(f"{where}: turns on the pod-annotation VIF source")
    print(f"k8s: {where}: a valid NetworkAttachmentDefinition, its config valid for osvif")


kinds = {}
for path in sorted(glob.glob(f"{src}/examples/kubernetes/*.yaml")):
    rel = os.path.relpath(path, src)
    with open(path, encoding="utf-8") as f:
        for i, doc in enumerate(yaml.safe_load_all(f)):
            if doc is None:
                continue
            where = f"{rel}#{i}"
            kind = doc.get("kind")
            kinds[kind] = kinds.get(kind, 0) + 1
            if kind == "DaemonSet" and doc.get("apiVersion") == "apps/v1":
                check_daemonset(doc, where)
            elif kind == "NetworkAttachmentDefinition":
                check_nad(doc, where)
            else:
                failures.append(f"{where}: {doc.get('apiVersion')} {kind}: not a kind this test knows")
if kinds.get("DaemonSet") != 1:
    failures.append(f"expected one DaemonSet, found {kinds}")
for t in sorted(served_types() - nad_types):
    failures.append(f"no NetworkAttachmentDefinition in examples/kubernetes for {t}, which ADD serves")
print(f"k8s: a NetworkAttachmentDefinition for each VIF type ADD serves: {', '.join(sorted(served_types()))}")
if failures:
    print("FAIL:\n  " + "\n  ".join(failures), file=sys.stderr)
    sys.exit(1)
