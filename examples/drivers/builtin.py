#!/usr/bin/env python3
"""A driver for ftchaos's builtin FT platform, written against docs/driver.md only.

It imports nothing of ftchaos: it launches the platform's witness and hosts as the programs
`ftchaos witness` and `ftchaos host` (found through $FTCHAOS_BIN, ./node_modules/.bin/ftchaos,
or ./bin/ftchaos.mjs in an ftchaos checkout), reads their ndjson events, and speaks the driver
protocol on its own stdin/stdout: one JSON object per line; requests {"id","method","params"},
answers {"id","result"} or {"id","error":{"message"}}, events {"event",...}. Logs go to stderr.

With `--own replication,witness` (any of the two) it runs those links through forwarders of
its own instead of the harness's proxies, and cuts them itself on `cut` / `heal` — the way a
driver faults links that cannot be proxied (a hypervisor's kernel-level FT logging network).

Times: the hosts stamp their events with CLOCK_MONOTONIC milliseconds, the harness's clock;
they are passed on unchanged (Python's time.monotonic() is the same clock on Linux).
"""
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

PROTOCOL = 1
HOSTS = ("a", "b")
CAPABILITIES = ["crash", "hang", "resume", "restart", "logs"]
LINKS = ("client", "replication", "witness")
OWNABLE = ("replication", "witness")

out_lock = threading.Lock()
state_lock = threading.RLock()


class DriverError(Exception):
    pass


def now_ms():
    return time.monotonic() * 1000.0


def send(obj):
    line = json.dumps(obj, separators=(",", ":"))
    with out_lock:
        try:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()
        except (BrokenPipeError, ValueError):
            pass


def log(msg):
    try:
        print("[builtin.py] %s" % msg, file=sys.stderr, flush=True)
    except (BrokenPipeError, ValueError):
        pass


def ftchaos_command():
    env = os.environ.get("FTCHAOS_BIN")
    if env:
        return env.split()
    for cand in ("node_modules/.bin/ftchaos", "bin/ftchaos.mjs"):
        if os.path.exists(cand):
            path = os.path.abspath(cand)
            return ["node", path] if path.endswith(".mjs") else [path]
    raise DriverError("cannot find ftchaos: set FTCHAOS_BIN, or run where node_modules/.bin/ftchaos exists")


def child_env():
    env = dict(os.environ)
    env.pop("NODE_OPTIONS", None)
    return env


class Proc:
    """One platform process: its stdout events go to on_event, its end to on_exit."""

    def __init__(self, argv, stderr_path, on_event, on_exit):
        self.stderr_path = stderr_path
        with open(stderr_path, "ab") as err:
            self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, env=child_env())
        self.pid = self.p.pid
        self.ended = threading.Event()
        self.ready = threading.Event()
        self._on_event = on_event
        self._on_exit = on_exit
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in self.p.stdout:
            try:
                e = json.loads(raw)
            except ValueError:
                continue
            if isinstance(e, dict) and isinstance(e.get("t"), str):
                self._on_event(self, e)
        self.p.wait()
        self.ended.set()
        self.ready.set()
        self._on_exit(self)

    def signal(self, sig):
        try:
            os.kill(self.pid, sig)
        except ProcessLookupError:
            pass

    def kill(self):
        self.signal(signal.SIGKILL)
        self.ended.wait(10)

    def stderr_tail(self):
        try:
            with open(self.stderr_path, "r", errors="replace") as f:
                lines = [l.strip() for l in f.read().splitlines() if l.strip()]
            return " | ".join(lines[-5:])
        except OSError:
            return ""


class OwnLink:
    """One link the driver owns: a TCP forwarder on 127.0.0.1 to `target`. A cut drops the bytes
    of a direction silently (nothing is closed, as when packets are lost); heal stops dropping
    and closes the connections that lost bytes, so both ends reconnect cleanly."""

    def __init__(self, target):
        self.target = (target["host"], target["port"])
        self.drop = {"from-host": False, "to-host": False}
        self.conns = []
        self.lock = threading.Lock()
        self.srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.srv.bind(("127.0.0.1", 0))
        self.srv.listen(16)
        self.address = {"host": "127.0.0.1", "port": self.srv.getsockname()[1]}
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                host_side, _ = self.srv.accept()
            except OSError:
                return
            try:
                far = socket.create_connection(self.target, timeout=5)
                far.settimeout(None)
            except OSError:
                host_side.close()
                continue
            for sk in (host_side, far):
                sk.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self.lock:
                self.conns.append((host_side, far))
            threading.Thread(target=self._pipe, args=(host_side, far, "from-host"), daemon=True).start()
            threading.Thread(target=self._pipe, args=(far, host_side, "to-host"), daemon=True).start()

    def _pipe(self, src, dst, direction):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if not self.drop[direction]:
                    dst.sendall(data)
        except OSError:
            pass
        for sk in (src, dst):
            try:
                sk.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self, direction):
        for d in (("from-host", "to-host") if direction == "both" else (direction,)):
            self.drop[d] = True

    def heal(self, direction):
        was = dict(self.drop)
        for d in (("from-host", "to-host") if direction == "both" else (direction,)):
            self.drop[d] = False
        if was != self.drop:
            with self.lock:
                conns, self.conns = self.conns, []
            for pair in conns:
                for sk in pair:
                    try:
                        sk.shutdown(socket.SHUT_RDWR)
                        sk.close()
                    except OSError:
                        pass

    def close(self):
        try:
            self.srv.close()
        except OSError:
            pass
        self.heal("both")


class Host:
    def __init__(self, name):
        self.name = name
        self.proc = None
        self.alive = False
        self.hung = False
        self.role = "down"
        self.report = None
        self.report_time = 0.0
        self.fatal = ""


class Driver:
    def __init__(self, own):
        self.own = own
        self.links = {}  # (kind, host) -> OwnLink
        self.hosts = {h: Host(h) for h in HOSTS}
        self.witness = None
        self.protected = False
        self.cfg = None
        self.files = {}
        self.bytes_gone = 0

    # ------------------------------------------------------------------ requests

    def hello(self, params):
        return {
            "name": "builtin (Python reference driver)",
            "protocol": PROTOCOL,
            "capabilities": CAPABILITIES + (["cut"] if self.own else []),
            "links": {"proxied": [k for k in LINKS if k not in self.own], "own": list(self.own)},
        }

    def start(self, params):
        if self.cfg is not None:
            raise DriverError("start was already called; one driver process runs one pair")
        for k in ("pair", "layout", "logDir"):
            if k not in params:
                raise DriverError('start needs "%s"' % k)
        self.cfg = params
        log_dir = params["logDir"]
        os.makedirs(log_dir, exist_ok=True)
        pair = "".join(c if c.isalnum() or c in "_.-" else "_" for c in params["pair"])
        f = lambda s: os.path.join(log_dir, "%s.%s" % (pair, s))
        self.files = {"witness.log": f("witness.log"), "witness.stderr.log": f("witness.stderr.log")}
        for h in HOSTS:
            for s in ("log", "console.log", "stderr.log"):
                self.files["host-%s.%s" % (h, s)] = f("host-%s.%s" % (h, s))
        w = params["layout"]["witness"]
        # links we own: each host dials our forwarder instead of the harness's proxy
        for h in HOSTS:
            peer = "b" if h == "a" else "a"
            if "replication" in self.own:
                self.links[("replication", h)] = OwnLink(params["layout"]["hosts"][peer]["replication"])
            if "witness" in self.own:
                self.links[("witness", h)] = OwnLink(w)
        cmd = ftchaos_command()
        self.witness = Proc(cmd + ["witness", "--host", w["host"], "--port", str(w["port"]), "--log-file", self.files["witness.log"]],
                            self.files["witness.stderr.log"], self.on_witness_event, lambda p: None)
        if not self.witness.ready.wait(60) or self.witness.ended.is_set():
            raise DriverError("witness did not become ready: %s" % self.witness.stderr_tail())
        # both at once, then wait for both: each takes a moment to load the emulator
        a = self.spawn_host("a", "primary")
        b = self.spawn_host("b", "backup")
        self.await_listening(a)
        self.await_listening(b)
        return {}

    def status(self, params):
        with state_lock:
            p = self.primary()
            r = self.hosts[p].report if p else None
            lag = 0
            if r and r.get("committedCaptureTime", 0) > 0:
                lag = max(0.0, self.hosts[p].report_time - r["committedCaptureTime"])
            total = self.bytes_gone + sum((h.report or {}).get("bytesReplicated", 0) for h in self.hosts.values() if h.alive)
            return {
                "hosts": {n: {"role": h.role, "pid": h.proc.pid if h.alive and h.proc else None} for n, h in self.hosts.items()},
                "protected": self.protected,
                "lastCommittedEpoch": (r or {}).get("committedEpoch", 0),
                "lagMs": lag,
                "checkpointsPerSecond": (r or {}).get("checkpointsPerSecond", 0),
                "bytesReplicated": total,
            }

    def crash(self, params):
        h = self.host(params)
        with state_lock:
            if not h.alive:
                return {}
            t = now_ms()
            proc = h.proc
            proc.signal(signal.SIGKILL)
            self.mark_down(h, t)
        proc.ended.wait(10)
        return {}

    def hang(self, params):
        h = self.host(params)
        with state_lock:
            if h.alive and not h.hung:
                h.proc.signal(signal.SIGSTOP)
                h.hung = True
                self.update_protection(now_ms())
        return {}

    def resume(self, params):
        h = self.host(params)
        with state_lock:
            if h.alive and h.hung:
                h.proc.signal(signal.SIGCONT)
                h.hung = False
        return {}

    def restart(self, params):
        if self.cfg is None:
            raise DriverError("restart needs a started pair")
        h = self.host(params)
        if h.alive:
            self.crash(params)
        other = self.hosts["b" if h.name == "a" else "a"]
        cold = not other.alive
        if cold:
            send({"event": "log", "host": "platform", "line": "host %s restarts as primary from the guest image: no live host holds the state" % h.name, "time": now_ms()})
        self.await_listening(self.spawn_host(h.name, "primary" if cold else "backup"))
        return {}

    def cut(self, params):
        self.own_link(params).cut(params.get("direction", "both"))
        return {}

    def heal(self, params):
        self.own_link(params).heal(params.get("direction", "both"))
        return {}

    def own_link(self, params):
        link, host, direction = params.get("link"), params.get("host"), params.get("direction", "both")
        if direction not in ("both", "from-host", "to-host"):
            raise DriverError("direction must be both, from-host or to-host, not %s" % json.dumps(direction))
        if (link, host) not in self.links:
            raise DriverError("this driver owns %s links of hosts a and b, not %s of %s" % (" and ".join(self.own) or "no", json.dumps(link), json.dumps(host)))
        return self.links[(link, host)]

    def logs(self, params):
        return {"files": dict(self.files)}

    def stop(self, params):
        self.kill_all()
        return {}

    # ------------------------------------------------------------------ processes

    def host(self, params):
        name = params.get("host")
        if name not in HOSTS:
            raise DriverError("host must be one of %s, not %s" % (", ".join(HOSTS), json.dumps(name)))
        return self.hosts[name]

    def primary(self):
        for n, h in self.hosts.items():
            if h.alive and h.role == "primary":
                return n
        return None

    def spawn_host(self, name, initial_role):
        h = self.hosts[name]
        links = dict(self.cfg["layout"]["hosts"][name])
        if ("replication", name) in self.links:
            links["dialPeer"] = self.links[("replication", name)].address
        if ("witness", name) in self.links:
            links["dialWitness"] = self.links[("witness", name)].address
        cfg = {
            "name": name,
            "initialRole": initial_role,
            "links": links,
            "options": self.cfg.get("options") or {},
            "logFile": self.files["host-%s.log" % name],
            "consoleFile": self.files["host-%s.console.log" % name],
        }
        with state_lock:
            proc = Proc(ftchaos_command() + ["host", json.dumps(cfg)], self.files["host-%s.stderr.log" % name], self.on_host_event, self.on_host_exit)
            h.proc = proc
            h.alive = True
            h.hung = False
            h.report = None
            h.fatal = ""
            self.set_role(h, "starting", now_ms())
        return h

    @staticmethod
    def await_listening(h):
        proc = h.proc
        if not proc.ready.wait(90) or proc.ended.is_set():
            why = h.fatal or proc.stderr_tail() or "no reason given"
            raise DriverError("host %s did not start listening: %s" % (h.name, why))

    def on_witness_event(self, proc, e):
        t = e.get("time", now_ms())
        if e["t"] == "ready":
            proc.ready.set()
        elif e["t"] == "lease":
            show = lambda v: "null" if v is None else v
            send({"event": "log", "host": "witness", "line": "lease: holder %s term %s standby %s" % (show(e.get("holder")), e.get("term"), show(e.get("standby"))), "time": t})
        elif e["t"] == "loop":
            send(self.loop_event("witness", e))

    def on_host_event(self, proc, e):
        with state_lock:
            h = next((x for x in self.hosts.values() if x.proc is proc), None)
            if h is None or not h.alive:
                return
            t = e.get("time", now_ms())
            kind = e["t"]
            if kind == "listening":
                proc.ready.set()
            elif kind == "role":
                self.set_role(h, e["role"], t, e.get("epoch"))
            elif kind == "status":
                h.report = e
                h.report_time = t
                self.update_protection(t)
            elif kind == "loop":
                send(self.loop_event(h.name, e))
            elif kind == "log":
                send({"event": "log", "host": h.name, "line": e.get("msg", ""), "time": t})
            elif kind == "fatal":
                h.fatal = e.get("msg", "")
                send({"event": "log", "host": h.name, "line": "fatal: " + h.fatal, "time": t})

    def on_host_exit(self, proc):
        with state_lock:
            for h in self.hosts.values():
                if h.proc is proc and h.alive:
                    self.mark_down(h, now_ms())

    @staticmethod
    def loop_event(host, e):
        ev = {"event": "loop", "host": host, "time": e.get("time", now_ms())}
        for k in ("p50Ms", "p99Ms", "maxMs", "stalls", "windowMs"):
            ev[k] = e.get(k, 0)
        return ev

    def set_role(self, h, role, t, epoch=None):
        if h.role == role:
            return
        h.role = role
        ev = {"event": "role", "host": h.name, "role": role, "time": t}
        if epoch is not None:
            ev["epoch"] = epoch
        send(ev)
        self.update_protection(t)

    def mark_down(self, h, t):
        h.alive = False
        h.hung = False
        self.bytes_gone += (h.report or {}).get("bytesReplicated", 0)
        h.report = None
        self.set_role(h, "down", t)

    def update_protection(self, t):
        """protected: the primary says its backup holds a full state and is its standby, and that backup says so too"""
        p = self.primary()
        ok = False
        if p:
            pr, other = self.hosts[p], self.hosts["b" if p == "a" else "a"]
            ok = (not pr.hung and pr.report is not None and pr.report.get("protected") is True and pr.report.get("role") == "primary"
                  and other.alive and not other.hung and other.role == "backup" and other.report is not None and other.report.get("hasCheckpoint") is True)
        if ok != self.protected:
            self.protected = ok
            send({"event": "protected", "protected": ok, "time": t})

    def kill_all(self):
        procs = [h.proc for h in self.hosts.values() if h.proc] + ([self.witness] if self.witness else [])
        with state_lock:
            for h in self.hosts.values():
                h.alive = False
        for p in procs:
            p.signal(signal.SIGKILL)
        for p in procs:
            p.ended.wait(10)
        for link in self.links.values():
            link.close()


def parse_args(argv):
    own = []
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--own" and args:
            own = [k for k in args.pop(0).split(",") if k]
        else:
            print("usage: builtin.py [--own replication,witness]", file=sys.stderr)
            sys.exit(2)
    bad = [k for k in own if k not in OWNABLE]
    if bad:
        print("--own: this driver can own %s links, not %s" % (" and ".join(OWNABLE), ", ".join(bad)), file=sys.stderr)
        sys.exit(2)
    return own


def main():
    driver = Driver(parse_args(sys.argv[1:]))
    methods = {
        "hello": driver.hello, "start": driver.start, "status": driver.status, "crash": driver.crash,
        "hang": driver.hang, "resume": driver.resume, "restart": driver.restart, "logs": driver.logs, "stop": driver.stop,
    }
    if driver.own:
        methods.update({"cut": driver.cut, "heal": driver.heal})

    def bye(*_):
        driver.kill_all()
        os._exit(0)

    signal.signal(signal.SIGTERM, bye)
    signal.signal(signal.SIGINT, bye)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            rid, method, params = req["id"], req["method"], req.get("params") or {}
        except (ValueError, KeyError, TypeError):
            log("not a request: %r" % line[:200])
            continue
        fn = methods.get(method)
        if fn is None:
            send({"id": rid, "error": {"message": 'unknown method "%s"; this driver answers: %s' % (method, ", ".join(methods))}})
            continue
        try:
            send({"id": rid, "result": fn(params)})
        except DriverError as err:
            send({"id": rid, "error": {"message": str(err)}})
        except Exception as err:  # a bug here must still answer, not hang the harness
            log("%s failed: %r" % (method, err))
            send({"id": rid, "error": {"message": "%s failed: %s" % (method, err)}})
        if method == "stop":
            break
    # stdin closed (the harness is gone) or stop: nothing may outlive us
    bye()


if __name__ == "__main__":
    main()
