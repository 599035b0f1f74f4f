"""Round trips between osvif and real os-vif (Debian's python3-os-vif).

Run with /usr/bin/python3 (it must import os_vif). For every class os-vif registers it builds
a fully populated and a minimal instance, then:

  A. os-vif's obj_to_primitive() -> `osvif convert` (parse, emit at os-vif's class versions)
     -> os-vif's obj_from_primitive() -> the same primitive as the original;
  B. for every native-form VIF fixture: `osvif convert --to primitive` -> os-vif loads it ->
     os-vif re-emits it -> `osvif convert --to native` -> the same as the fixture's own
     native rendering by osvif.

Prints one line per check and exits non-zero on any mismatch.
"""
import json
import os
import subprocess
import sys

import os_vif.objects
from os_vif.objects import fields as osv_fields  # noqa: F401 (registers the enum fields)
from os_vif.objects import base as osv_base
from oslo_versionedobjects import base

os_vif.objects.register_all()
O = os_vif.objects

BIN = os.environ["OSVIF_BIN"]
DATA = os.environ["OSVIF_TEST_DATA"]
UUID = "3f2a9c6e-1b4d-4c8e-9a7f-0d2e5b6c7a81"
UUID2 = "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


def registry():
    out = {}
    for name, classes in base.VersionedObjectRegistry.obj_classes().items():
        for c in classes:
            if c.OBJ_PROJECT_NAMESPACE == "os_vif":
                out[name] = c
    return out


REG = registry()
MANIFEST = {name: c.VERSION for name, c in REG.items()}


def network(full=True):
    if not full:
        return O.network.Network()
    ips = O.fixed_ip.FixedIPList(objects=[
        O.fixed_ip.FixedIP(address="10.0.0.5", floating_ips=["203.0.113.7"]),
        O.fixed_ip.FixedIP(address="10.0.0.6")])
    routes = O.route.RouteList(objects=[
        O.route.Route(cidr="198.51.100.0/24", gateway="10.0.0.254", interface="eth1")])
    v6 = O.subnet.Subnet(cidr="fd00::/64", gateway="fd00::1",
                         ips=O.fixed_ip.FixedIPList(objects=[O.fixed_ip.FixedIP(address="fd00::5")]),
                         routes=O.route.RouteList(objects=[]), dns=["fd00::53"])
    v4 = O.subnet.Subnet(cidr="10.0.0.0/24", gateway="10.0.0.1", dns=["10.0.0.2", "10.0.0.3"],
                         ips=ips, routes=routes, dhcp_server="10.0.0.2")
    return O.network.Network(id=UUID2, bridge="br-int", label="pod-net",
                             subnets=O.subnet.SubnetList(objects=[v4, v6]), multi_host=True,
                             should_provide_bridge=True, should_provide_vlan=True,
                             bridge_interface="eth1", vlan=100, mtu=1450)


def offload():
    return O.vif.DatapathOffloadRepresentor(representor_name="eth3", representor_address="0000:03:00.5")


def profiles(full=True):
    ovs = dict(interface_id=UUID, profile_id="p1", datapath_type="netdev", create_port=True)
    out = {
        "VIFPortProfileBase": O.vif.VIFPortProfileBase(),
        "VIFPortProfileOpenVSwitch": O.vif.VIFPortProfileOpenVSwitch(**ovs, datapath_offload=offload()),
        "VIFPortProfileFPOpenVSwitch": O.vif.VIFPortProfileFPOpenVSwitch(**ovs, bridge_name="br-fp", hybrid_plug=True),
        "VIFPortProfileOVSRepresentor": O.vif.VIFPortProfileOVSRepresentor(**ovs, representor_name="eth2", representor_address="0000:03:00.4"),
        "VIFPortProfileFPBridge": O.vif.VIFPortProfileFPBridge(bridge_name="brq1"),
        "VIFPortProfileFPTap": O.vif.VIFPortProfileFPTap(mac_address="fa:16:3e:aa:bb:cc"),
        "VIFPortProfile8021Qbg": O.vif.VIFPortProfile8021Qbg(manager_id=1, type_id=2, type_id_version=3, instance_id=UUID2),
        "VIFPortProfile8021Qbh": O.vif.VIFPortProfile8021Qbh(profile_id="qbh-profile"),
        "VIFPortProfileK8sDPDK": O.vif.VIFPortProfileK8sDPDK(l3_setup=True, selflink="/api/v1/x", resourceversion="42"),
    }
    if not full:
        out = {k: type(v)() for k, v in out.items()}
    return out


def vifs(full=True):
    common = dict(id=UUID, plugin="ovs")
    if full:
        common.update(address="fa:16:3e:12:34:56", network=network(), active=False,
                      preserve_on_delete=True, has_traffic_filtering=True)
    pp = profiles()
    out = {
        "VIFBase": O.vif.VIFBase(**common),
        "VIFGeneric": O.vif.VIFGeneric(**common, vif_name="tap3f2a9c6e-1b"),
        "VIFBridge": O.vif.VIFBridge(**common, vif_name="tap3f2a9c6e-1b", bridge_name="qbr3f2a9c6e-1b",
                                     port_profile=pp["VIFPortProfileOpenVSwitch"]),
        "VIFOpenVSwitch": O.vif.VIFOpenVSwitch(**common, vif_name="tap3f2a9c6e-1b", bridge_name="br-int",
                                               port_profile=pp["VIFPortProfileOpenVSwitch"]),
        "VIFDirect": O.vif.VIFDirect(**common, vif_name="macvtap0", dev_address="0000:00:1f.2", mode="vepa",
                                     vlan_name="vlan100", port_profile=pp["VIFPortProfile8021Qbg"]),
        "VIFVHostUser": O.vif.VIFVHostUser(**common, vif_name="vhu3f2a9c6e-1b", path="/run/vhu.sock", mode="server",
                                           port_profile=pp["VIFPortProfileFPOpenVSwitch"]),
        "VIFHostDevice": O.vif.VIFHostDevice(**common, dev_type="ethernet", dev_address="0000:03:00.4",
                                             port_profile=pp["VIFPortProfileOVSRepresentor"]),
        "VIFNestedDPDK": O.vif.VIFNestedDPDK(**common, pci_address="0000:00:05.0", dev_driver="virtio-pci",
                                             port_profile=pp["VIFPortProfileK8sDPDK"]),
    }
    if not full:
        out = {k: type(v)(id=UUID) for k, v in out.items()}
    return out


def host_info(full=True):
    if not full:
        return {"HostInfo": O.host_info.HostInfo(), "HostPluginInfo": O.host_info.HostPluginInfo(),
                "HostVIFInfo": O.host_info.HostVIFInfo(), "HostPortProfileInfo": O.host_info.HostPortProfileInfo()}
    ppi = O.host_info.HostPortProfileInfo(profile_object_name="VIFPortProfileOpenVSwitch",
                                          min_version="1.0", max_version="1.3")
    vi = O.host_info.HostVIFInfo(vif_object_name="VIFOpenVSwitch", min_version="1.0", max_version="1.0",
                                 supported_port_profiles=[ppi])
    pi = O.host_info.HostPluginInfo(plugin_name="ovs", vif_info=[vi])
    return {"HostInfo": O.host_info.HostInfo(plugin_info=[pi]), "HostPluginInfo": pi,
            "HostVIFInfo": vi, "HostPortProfileInfo": ppi}


def instances(full):
    objs = {}
    objs.update(vifs(full))
    objs.update(profiles(full))
    objs.update(host_info(full))
    net = network(full)
    objs["Network"] = net
    if full:
        subnets = net.subnets
        objs.update(SubnetList=subnets, Subnet=subnets.objects[0], FixedIPList=subnets.objects[0].ips,
                    FixedIP=subnets.objects[0].ips.objects[0], RouteList=subnets.objects[0].routes,
                    Route=subnets.objects[0].routes.objects[0])
    else:
        objs.update(SubnetList=O.subnet.SubnetList(objects=[]), Subnet=O.subnet.Subnet(cidr="10.0.0.0/8"),
                    FixedIPList=O.fixed_ip.FixedIPList(objects=[]), FixedIP=O.fixed_ip.FixedIP(address="::1"),
                    RouteList=O.route.RouteList(objects=[]), Route=O.route.Route(cidr="0.0.0.0/0"))
    objs["InstanceInfo"] = O.instance_info.InstanceInfo(uuid=UUID, name="pod", project_id="p") if full \
        else O.instance_info.InstanceInfo(uuid=UUID)
    objs["DatapathOffloadBase"] = O.vif.DatapathOffloadBase()
    objs["DatapathOffloadRepresentor"] = offload() if full else O.vif.DatapathOffloadRepresentor()
    return objs


def strip(p):
    """A primitive without its (unordered, informational) change lists."""
    if isinstance(p, dict):
        return {k: strip(v) for k, v in p.items() if k != "versioned_object.changes"}
    if isinstance(p, list):
        return [strip(v) for v in p]
    return p


def osvif(args, doc):
    p = subprocess.run([BIN] + args, input=json.dumps(doc).encode(), capture_output=True)
    if p.returncode != 0:
        raise RuntimeError("osvif %s: %s" % (" ".join(args), p.stderr.decode().strip()))
    return json.loads(p.stdout)


def check_a(name, obj, label):
    prim = obj.obj_to_primitive()
    ours = osvif(["convert", "--to", "primitive", "--manifest", json.dumps(MANIFEST)], prim)
    back = osv_base.VersionedObject.obj_from_primitive(ours)
    if strip(back.obj_to_primitive()) != strip(prim):
        return "%s (%s): os-vif -> osvif -> os-vif changed the object:\n  %s\n  %s" % (
            name, label, json.dumps(strip(prim), sort_keys=True), json.dumps(strip(back.obj_to_primitive()), sort_keys=True))
    return None


def check_b(path):
    with open(path) as f:
        native = json.load(f)
    ours = osvif(["convert", "--to", "native"], native)
    prim = osvif(["convert", "--to", "primitive", "--manifest", json.dumps(MANIFEST)], native)
    obj = osv_base.VersionedObject.obj_from_primitive(prim)
    again = osvif(["convert", "--to", "native"], obj.obj_to_primitive())
    if again != ours:
        return "%s: osvif -> os-vif -> osvif changed the VIF:\n  %s\n  %s" % (
            os.path.basename(path), json.dumps(ours, sort_keys=True), json.dumps(again, sort_keys=True))
    return None


def main():
    failures = 0
    checked = set()
    for label in ("full", "minimal"):
        for name, obj in sorted(instances(label == "full").items()):
            checked.add(name)
            try:
                problem = check_a(name, obj, label)
            except Exception as e:  # a refusal by either side is a failure too
                problem = "%s (%s): %s" % (name, label, e)
            print(("not ok " if problem else "ok ") + "A %s %s" % (name, label))
            if problem:
                print("    " + problem)
                failures += 1
    missing = set(REG) - checked
    for name in sorted(missing):
        print("not ok A %s: no instance built for this registered class" % name)
        failures += 1
    fixtures = sorted(os.path.join(DATA, "vif", f) for f in os.listdir(os.path.join(DATA, "vif"))
                      if f.startswith("native-") and f.endswith(".json"))
    for path in fixtures:
        try:
            problem = check_b(path)
        except Exception as e:
            problem = "%s: %s" % (os.path.basename(path), e)
        print(("not ok " if problem else "ok ") + "B " + os.path.basename(path))
        if problem:
            print("    " + problem)
            failures += 1
    print("%d classes, %d native fixtures, %d failures" % (len(checked), len(fixtures), failures))
    return 1 if failures or not fixtures else 0


if __name__ == "__main__":
    sys.exit(main())
