"""Where processes of one name sleep, and who wakes them from RTNL, from a perf recording:

  perf record -e sched:sched_switch -e sched:sched_wakeup -a -g -o perf.data -- COMMAND
  perf script -i perf.data -F comm,tid,time,event,trace,ip,sym | offcpu.py [COMM]

Prints (1) the off-CPU time of COMM (default osvif) by the kernel stack it slept in, with
"runnable: preempted (CPU)" for time spent waiting for a CPU, and (2) for the sleeps on a
mutex (RTNL, for netlink requests), the task that released the mutex to them and what it had
just done. Used for test/bench/published/profiles.md."""
import collections
import re
import sys

COMM = sys.argv[1] if len(sys.argv) > 1 else "osvif"
SKIP = {"__schedule", "schedule", "__traceiter_sched_switch", "schedule_preempt_disabled",
        "preempt_schedule_common", "schedule_timeout", "io_schedule", "ttwu_do_activate",
        "try_to_wake_up", "wake_up_q", "__mutex_unlock_slowpath", "__mutex_unlock_slowpath.isra.0",
        "__traceiter_sched_wakeup", "__traceiter_sched_waking", "wake_up_process", "mutex_unlock"}
EVENT = re.compile(r"\s*(\S.*?)\s+(\d+)\s+(\d+\.\d+):\s+(sched:\S+):\s+(.*)")
SWITCH = re.compile(r"prev_comm=(.*?) prev_pid=(\d+) prev_prio=\d+ prev_state=(\S+) ==> "
                    r"next_comm=(.*?) next_pid=(\d+)")

asleep = {}  # tid -> (time, stack key, on a mutex)
off = collections.Counter()
n_off = collections.Counter()
mutex_waiter = {}  # tid -> time it began to wait on a mutex
released_by = collections.Counter()
released_what = collections.Counter()


def frames(stack, n):
    return ";".join([f for f in stack if f not in SKIP][:n])


def event(comm, t, name, trace, stack):
    if name == "sched:sched_switch":
        m = SWITCH.search(trace)
        if not m:
            return
        pcomm, ppid, state, _, npid = m.groups()
        npid, ppid = int(npid), int(ppid)
        if npid in asleep:
            t0, key = asleep.pop(npid)
            off[key] += t - t0
            n_off[key] += 1
        if pcomm == COMM:
            if state.startswith("R"):
                asleep[ppid] = (t, "runnable: preempted (CPU)")
            else:
                asleep[ppid] = (t, frames(stack, 4))
                if any(f.startswith("__mutex_lock") for f in stack[:6]):
                    mutex_waiter[ppid] = t
    elif name == "sched:sched_wakeup":
        m = re.search(r"comm=(.*?) pid=(\d+)", trace)
        if m and int(m.group(2)) in mutex_waiter:
            t0 = mutex_waiter.pop(int(m.group(2)))
            released_by[comm] += t - t0
            released_what[comm + ": " + frames(stack, 2)] += 1


cur = None
for line in sys.stdin:
    m = EVENT.match(line.rstrip("\n"))
    if m:
        if cur:
            event(*cur)
        cur = (m.group(1).strip(), float(m.group(3)), m.group(4), m.group(5), [])
    elif cur and line.strip():
        p = line.split()
        if len(p) >= 2:
            cur[4].append(p[1])
if cur:
    event(*cur)

total = sum(off.values())
print("off-CPU time of %s: %.3f s" % (COMM, total))
for k, v in off.most_common(12):
    print("  %7.3f s %5.1f%% %6d  %s" % (v, 100 * v / total, n_off[k], k))
waited = sum(released_by.values())
print("mutex waits of %s: %.3f s, by the task that released the mutex to them" % (COMM, waited))
for k, v in released_by.most_common(8):
    print("  %7.3f s %5.1f%%  %s" % (v, 100 * v / waited if waited else 0, k))
print("what the releasing task had just done (count):")
for k, v in released_what.most_common(10):
    print("  %6d  %s" % (v, k))
