#!/usr/bin/env python3
"""The desktop app's launch to interactive and idle memory, against an empty Tauri window
measured in the same run (scripts/app_bench.sh builds everything and calls this).

  app_bench.py quotes  OUT.jsonl N [CORPUS]   writes N quotes as JSON Lines for `walkout import`
  app_bench.py measure APP EMPTY ARCHIVE OUT.json [--runs N]

`measure` starts its own Xvfb, then for each of the two programs one warm-up launch and N
counted ones, alternating: the empty window, the app on ARCHIVE, the empty window, ... Each
launch is timed from spawn to the `<name>: interactive` line the program prints on stderr with
WALKOUT_REPORT_READY=1 (the app: its first results painted; the empty window: its page painted).
After 3 s idle the PSS of the process and all its descendants (WebKitWebProcess,
WebKitNetworkProcess, ...) is summed from /proc/<pid>/smaps_rollup; then the tree is ended
(SIGTERM, then SIGKILL). Medians and ratios go to stdout as a markdown table and to OUT.json.
"""

import json
import os
import random
import selectors
import signal
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone

TIMEOUT_S = 60.0
IDLE_S = 3.0

# The bench harness's places and tags (benches/walkout/data.rs).
PLACES = ["Minneapolis", "St. Paul", "Los Angeles", "Chicago", "San Antonio", "Houston", "Phoenix", "Denver",
          "Ciudad de México", "Guadalajara", "Oakland", "San José", "El Paso", "Tucson", "Albuquerque", "Brooklyn",
          "The Bronx", "Miami", "Atlanta", "Seattle", "Portland", "Dallas", "Austin", "Santa Ana"]
TAGS = ["walkout", "ice", "school", "march", "teachers", "police", "vigil", "strike", "media", "legal"]
SYLLABLES = ["ka", "ke", "ki", "ko", "ku", "la", "le", "li", "lo", "lu", "ma", "me", "mi", "mo", "mu", "ra", "re",
             "ri", "ro", "ru"]
WORDS = ("we walk out of class because our friends are afraid to come to school the teachers stood with us "
         "outside in the cold and the police watched from across the street nobody should be taken from their "
         "family our voices matter and we will keep marching until they listen").split()


def counter_word(n):
    """A word made of syllables, different for every round (as benches/walkout/data.rs does)."""
    word = ""
    while True:
        word += SYLLABLES[n % len(SYLLABLES)]
        n //= len(SYLLABLES)
        if n == 0:
            return word


def write_quotes(out, count, corpus):
    """COUNT quotes: the corpus's attributed quotes over and over (each round made unique by a
    word of its own), or made-up sentences when there is no corpus; dates, places and tags drawn
    with a fixed seed."""
    rng = random.Random(1701)
    base = []
    path = None
    if corpus:
        for candidate in (os.path.join(corpus, "quotes", "quotes_attributed.jsonl"),
                          os.path.join(corpus, "quotes_attributed.jsonl")):
            if os.path.exists(candidate):
                path = candidate
                break
    if path:
        seen = set()
        with open(path, encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                # The archive keeps one of the same quote twice: each text once, so that COUNT
                # lines make COUNT items.
                key = " ".join(row.get("text", "").split()).casefold()
                if key and row.get("author") and key not in seen:
                    seen.add(key)
                    base.append((row["text"], row["author"], row.get("lang") or "en"))
    if not base:
        for i in range(5000):
            words = [rng.choice(WORDS) for _ in range(rng.randint(8, 30))]
            base.append((" ".join(words).capitalize() + ".", f"Student {counter_word(i)}", "en"))
    start = date(2025, 9, 1)
    with open(out, "w", encoding="utf-8") as f:
        for i in range(count):
            text, author, lang = base[i % len(base)]
            rnd = i // len(base)
            if rnd:
                text = f"{text} {counter_word(rnd)}"
            day = start + timedelta(days=rng.randrange(212))
            kind = rng.randrange(20)
            when = day.strftime("%Y") if kind == 0 else day.strftime("%Y-%m") if kind <= 3 else day.isoformat()
            tags = sorted({rng.choice(TAGS) for _ in range(rng.randrange(3))})
            line = {"text": text, "author": author, "lang": lang, "date": when, "place": rng.choice(PLACES),
                    "tags": tags}
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"wrote {count} quotes to {out} ({'from ' + path if path else 'made up: no corpus'})", file=sys.stderr)


# ---------------------------------------------------------------------------------------------

def free_display():
    for n in range(90, 200):
        if not os.path.exists(f"/tmp/.X{n}-lock") and not os.path.exists(f"/tmp/.X11-unix/X{n}"):
            return n
    raise SystemExit("no free X display between :90 and :199")


def start_xvfb():
    n = free_display()
    xvfb = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 10
    while not os.path.exists(f"/tmp/.X11-unix/X{n}"):
        if xvfb.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"Xvfb :{n} did not start")
        time.sleep(0.05)
    return xvfb, f":{n}"


def children_map():
    """ppid -> [pid] for every process."""
    kids = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # The name is in parentheses and may hold spaces: the fields after the last ')' are fixed.
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def tree(pid):
    kids = children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


def end_tree(proc):
    pids = tree(proc.pid)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for p in pids:
            try:
                os.kill(p, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and any(os.path.exists(f"/proc/{p}") and not zombie(p) for p in pids):
            proc.poll()
            time.sleep(0.05)
        if not any(os.path.exists(f"/proc/{p}") and not zombie(p) for p in pids):
            break
    proc.wait()


def zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
        return stat[stat.rindex(")") + 2] == "Z"
    except OSError:
        return True


def launch(command, env, name):
    """One launch: ms to interactive (as seen from here), the program's own step times, and the
    PSS of its tree after IDLE_S seconds."""
    started = time.monotonic()
    proc = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    steps, interactive_ms, buffered, log = {}, None, b"", []
    sel = selectors.DefaultSelector()
    sel.register(proc.stderr, selectors.EVENT_READ)
    try:
        while interactive_ms is None:
            left = TIMEOUT_S - (time.monotonic() - started)
            if left <= 0:
                raise RuntimeError(f"{name}: no 'interactive' line within {TIMEOUT_S:.0f} s; stderr: {log[-12:]}")
            if not sel.select(timeout=left):
                continue
            chunk = os.read(proc.stderr.fileno(), 65536)
            if not chunk:
                raise RuntimeError(f"{name}: exited ({proc.wait()}) before 'interactive'; stderr: {log[-12:]}")
            now = time.monotonic()
            buffered += chunk
            while b"\n" in buffered:
                line, buffered = buffered.split(b"\n", 1)
                text = line.decode("utf-8", "replace")
                # Backtrace frames are left out of the log kept for an error message.
                if not text.lstrip()[:1].isdigit() and not text.lstrip().startswith("at "):
                    log.append(text)
                # `<name>: <step> <ms> ms`, printed by the program (its own clock from main()).
                if text.startswith(name + ": "):
                    parts = text[len(name) + 2:].split()
                    if len(parts) == 3 and parts[2] == "ms":
                        steps[parts[0]] = int(parts[1])
                    if parts and parts[0] == "interactive":
                        interactive_ms = (now - started) * 1000
        # Keep draining stderr while idle so the program never blocks on a full pipe.
        idle_until = time.monotonic() + IDLE_S
        while (left := idle_until - time.monotonic()) > 0:
            if sel.select(timeout=left):
                if not os.read(proc.stderr.fileno(), 65536):
                    break
        if proc.poll() is not None:
            raise RuntimeError(f"{name}: exited ({proc.returncode}) while idle")
        by_process = {}
        for p in tree(proc.pid):
            kib = pss_kib(p)
            if kib:
                key = comm(p)
                by_process[key] = by_process.get(key, 0) + kib
        return {"interactive_ms": round(interactive_ms, 1), "steps_ms": steps,
                "pss_mib": round(sum(by_process.values()) / 1024, 1),
                "pss_mib_by_process": {k: round(v / 1024, 1) for k, v in sorted(by_process.items())}}
    finally:
        sel.close()
        end_tree(proc)
        proc.stderr.close()


def launch_retrying(command, env, name, failures):
    """A launch; one that fails before it is interactive (a rare GTK start failure was seen under
    heavy load) is recorded in `failures` and tried again, twice at most."""
    for attempt in range(3):
        try:
            return launch(command, env, name)
        except RuntimeError as e:
            print(f"FAILED: {e}", file=sys.stderr)
            failures.append({"program": name, "error": str(e)})
            if attempt == 2:
                raise


def median_of(runs, key):
    return round(statistics.median(r[key] for r in runs), 1)


def by_process_medians(runs):
    names = sorted({n for r in runs for n in r["pss_mib_by_process"]})
    return {n: round(statistics.median(r["pss_mib_by_process"].get(n, 0.0) for r in runs), 1) for n in names}


def step_medians(runs):
    names = sorted({n for r in runs for n in r["steps_ms"]}, key=lambda n: statistics.median(
        r["steps_ms"].get(n, 0) for r in runs))
    return {n: statistics.median(r["steps_ms"][n] for r in runs if n in r["steps_ms"]) for n in names}


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def machine():
    model, processors = None, 0
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name") and model is None:
                model = line.split(":", 1)[1].strip()
            if line.startswith("processor"):
                processors += 1
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    try:
        webkit = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libwebkit2gtk-4.1-0"], capture_output=True,
                                text=True).stdout or None
    except OSError:
        webkit = None
    return {"nproc": os.cpu_count(), "processors_in_cpuinfo": processors, "cpu_model": model,
            "memory_gib": round(mem_kib / 1048576, 1), "webkit2gtk": webkit}


def measure(app, empty, archive, out, runs):
    xvfb, display = start_xvfb()
    env = dict(os.environ, DISPLAY=display, WALKOUT_REPORT_READY="1")
    env.pop("WAYLAND_DISPLAY", None)
    programs = [("empty", [empty], "walkout-empty-window"), ("app", [app, "--archive", archive], "walkout-app")]
    load_before = loadavg()
    began = time.monotonic()
    results = {"empty": [], "app": []}
    warmups, failures = {}, []
    try:
        for key, command, name in programs:
            print(f"warm-up: {key}", file=sys.stderr)
            warmups[key] = launch_retrying(command, env, name, failures)
        for i in range(runs):
            for key, command, name in programs:
                r = launch_retrying(command, env, name, failures)
                results[key].append(r)
                print(f"run {i + 1}/{runs} {key}: interactive {r['interactive_ms']:.0f} ms, PSS {r['pss_mib']:.1f} MiB",
                      file=sys.stderr)
    finally:
        xvfb.terminate()
        xvfb.wait()
    summary = {}
    for key in results:
        summary[key] = {"interactive_ms_median": median_of(results[key], "interactive_ms"),
                        "pss_mib_median": median_of(results[key], "pss_mib"),
                        "pss_mib_by_process_median": by_process_medians(results[key]),
                        "steps_ms_median": step_medians(results[key])}
    a, e = summary["app"], summary["empty"]
    launch_ratio = round(a["interactive_ms_median"] / e["interactive_ms_median"], 2)
    pss_ratio = round(a["pss_mib_median"] / e["pss_mib_median"], 2)
    targets = [
        {"target": "interactive ≤ 1 s", "value": f"{a['interactive_ms_median']:.0f} ms",
         "met": a["interactive_ms_median"] <= 1000},
        {"target": "interactive ≤ 1.5× the empty window's launch", "value": f"{launch_ratio:.2f}×",
         "met": launch_ratio <= 1.5},
        {"target": "idle PSS ≤ 1.2× the empty window's", "value": f"{pss_ratio:.2f}×", "met": pss_ratio <= 1.2},
    ]
    report = {
        "machine": machine(),
        "run": {"finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "git": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                      text=True).stdout.strip() or None,
                "runs": runs, "warm_up_runs": 1, "idle_seconds": IDLE_S, "archive": archive,
                "seconds": round(time.monotonic() - began, 1),
                "load_average_before": load_before, "load_average_after": loadavg()},
        "summary": summary,
        "ratios": {"launch_app_over_empty": launch_ratio, "pss_app_over_empty": pss_ratio},
        "targets": targets,
        "failed_launches": failures,
        "warm_up": warmups,
        "runs": results,
    }
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print_table(report)
    print(f"\nwritten to {out}", file=sys.stderr)


def print_table(r):
    m, run, s = r["machine"], r["run"], r["summary"]
    print(f"Machine: {m['nproc']} cores ({m['cpu_model']}), {m['memory_gib']} GiB, WebKitGTK {m['webkit2gtk']}; "
          f"load average {run['load_average_before']} before, {run['load_average_after']} after; "
          f"median of {run['runs']} launches each after 1 warm-up, alternating.\n")
    print("| | launch to interactive (ms) | idle PSS of the process tree (MiB) |")
    print("|---|---:|---:|")
    print(f"| empty Tauri window | {s['empty']['interactive_ms_median']:.0f} | {s['empty']['pss_mib_median']:.1f} |")
    print(f"| Walkout Archive, 100k items | {s['app']['interactive_ms_median']:.0f} | {s['app']['pss_mib_median']:.1f} |")
    print(f"| app ÷ empty | {r['ratios']['launch_app_over_empty']:.2f}× | {r['ratios']['pss_app_over_empty']:.2f}× |")
    print("\n| target | measured | met |")
    print("|---|---:|---|")
    for t in r["targets"]:
        print(f"| {t['target']} | {t['value']} | {'yes' if t['met'] else 'no'} |")
    if r["failed_launches"]:
        print(f"\n{len(r['failed_launches'])} launch(es) failed before interactive and were run again "
              "(see failed_launches in the JSON).")
    print("\nPSS by process (median MiB):\n")
    names = sorted(set(s["empty"]["pss_mib_by_process_median"]) | set(s["app"]["pss_mib_by_process_median"]))
    print("| process | empty window | app |")
    print("|---|---:|---:|")
    for n in names:
        print(f"| {n} | {s['empty']['pss_mib_by_process_median'].get(n, 0):.1f} | "
              f"{s['app']['pss_mib_by_process_median'].get(n, 0):.1f} |")
    print("\nSteps, ms after the program's main() (median):\n")
    for key in ("empty", "app"):
        steps = ", ".join(f"{k} {v:.0f}" for k, v in s[key]["steps_ms_median"].items())
        print(f"- {key}: {steps}")


def main(argv):
    if len(argv) >= 3 and argv[0] == "quotes":
        write_quotes(argv[1], int(argv[2]), argv[3] if len(argv) > 3 else None)
    elif len(argv) >= 5 and argv[0] == "measure":
        runs = 5
        if "--runs" in argv:
            runs = int(argv[argv.index("--runs") + 1])
        measure(os.path.abspath(argv[1]), os.path.abspath(argv[2]), os.path.abspath(argv[3]), argv[4], runs)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
