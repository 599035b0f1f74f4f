// A libcni client for the end-to-end tests: the library every Go runtime (containerd's
// go-cni, podman's CNI backend, cnitool) drives plugins through, used directly.
//
//	harness VERB CONFLIST NETNS CONTAINERID IFNAME BINDIR CACHEDIR [CAPARGS-JSON]
//
// VERB is add, check or del. add prints the final result of the chain. Errors go to stderr
// with a non-zero exit.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/containernetworking/cni/libcni"
)

func main() {
	if len(os.Args) < 8 {
		fmt.Fprintln(os.Stderr, "usage: harness add|check|del CONFLIST NETNS CONTAINERID IFNAME BINDIR CACHEDIR [CAPARGS]")
		os.Exit(2)
	}
	verb, conflist, netns, id, ifname, bindir, cache := os.Args[1], os.Args[2], os.Args[3], os.Args[4], os.Args[5], os.Args[6], os.Args[7]
	list, err := libcni.ConfListFromFile(conflist)
	if err != nil {
		fail("load %s: %v", conflist, err)
	}
	rt := &libcni.RuntimeConf{ContainerID: id, NetNS: netns, IfName: ifname}
	if len(os.Args) > 8 {
		if err := json.Unmarshal([]byte(os.Args[8]), &rt.CapabilityArgs); err != nil {
			fail("capability args: %v", err)
		}
	}
	cni := libcni.NewCNIConfigWithCacheDir(strings.Split(bindir, ":"), cache, nil)
	ctx := context.Background()
	switch verb {
	case "add":
		res, err := cni.AddNetworkList(ctx, list, rt)
		if err != nil {
			fail("add: %v", err)
		}
		if err := res.Print(); err != nil {
			fail("print: %v", err)
		}
	case "check":
		if err := cni.CheckNetworkList(ctx, list, rt); err != nil {
			fail("check: %v", err)
		}
	case "del":
		if err := cni.DelNetworkList(ctx, list, rt); err != nil {
			fail("del: %v", err)
		}
	default:
		fail("unknown verb %q", verb)
	}
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "harness: "+format+"\n", args...)
	os.Exit(1)
}
