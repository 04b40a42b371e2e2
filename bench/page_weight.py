"""Page weight and time to interactive of Tonight and the routine, in headless chromium.

Starts the real server (`nightcramp serve` on a free port, SQLite in a throwaway data directory), creates
an account with `nightcramp user add`, logs in with Debian's chromium through Playwright, and measures
each page on a first load (a fresh browser context: empty cache, no service worker) and on a repeat load
(the same context straight after: cache warm, service worker installed if the app has one). Every
measurement is repeated --runs times; the table shows the median and the maximum against the goals, and
the JSON file keeps every run. See bench/README.md for what is counted and how.

    .venv/bin/python bench/page_weight.py [--runs 5] [--out bench/results/page_weight.json]

Exits 0 when it could measure, missed goals included (they are reported plainly); 1 on an error.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench" / "results" / "page_weight.json"
CHROMIUM = Path(os.environ.get("NIGHTCRAMP_CHROMIUM", "/usr/bin/chromium"))
GOAL_FIRST_LOAD_BYTES = 100_000  # "under 100 KB", in kB of 1000 bytes: the stricter reading
GOAL_INTERACTIVE_MS = 300.0
PHONE = {"width": 390, "height": 844}
USERNAME, PASSWORD = "bench", "a long bedtime passphrase for the bench"
READY = re.compile(r"running at (http://127\.0\.0\.1:\d+/)")
# The pages, and the main control a person came for: interactive once it can be clicked.
PAGES = {
    "tonight": {"path": "/tonight/", "button": "button.cramp-now"},
    "routine": {"path": "/routine/", "button": "[data-start]"},
}
LOADS = ("first", "repeat")
QUIET_S = 0.5  # after the load and the button, before the timings are read
SETTLE_S = 1.0  # after the service worker is active, before the repeat load (timed visits)
TIMES = ("response_start_ms", "dom_interactive_ms", "dom_content_loaded_ms", "first_contentful_paint_ms",
         "button_ms", "load_ms", "interactive_ms")
METRICS = ("bytes", "requests", "network_requests", "service_worker_bytes", "resource_timing_bytes", *TIMES)

# Runs before any script of the page: records when the main button is first present, shown and enabled.
# It looks once per frame, just before the frame is drawn (when the browser works out styles and layout
# anyway), and at DOMContentLoaded and load; it stops once it has seen the button. (A MutationObserver
# would see it sooner but force styles and layout while the page is still being parsed: measuring
# would slow down what it measures.)
BUTTON_WATCH = """(selector) => {
    const check = () => {
        if (window.__benchButton !== undefined) return;
        const el = document.querySelector(selector);
        if (!el || el.disabled || el.closest("[hidden], [inert]")) return;
        const style = getComputedStyle(el);
        const shown = el.getClientRects().length > 0 && style.visibility !== "hidden"
            && style.display !== "none";
        if (shown) window.__benchButton = performance.now();
    };
    document.addEventListener("DOMContentLoaded", check);
    window.addEventListener("load", check);
    const poll = () => { check(); if (window.__benchButton === undefined) requestAnimationFrame(poll); };
    requestAnimationFrame(poll);
}"""

TIMINGS = """() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const fcp = performance.getEntriesByName("first-contentful-paint")[0];
    const resources = performance.getEntriesByType("resource");
    const transfer = [nav, ...resources].reduce((sum, e) => sum + (e.transferSize || 0), 0);
    return {response_start_ms: nav.responseStart, dom_interactive_ms: nav.domInteractive,
            dom_content_loaded_ms: nav.domContentLoadedEventEnd,
            load_ms: nav.loadEventEnd, first_contentful_paint_ms: fcp ? fcp.startTime : null,
            button_ms: window.__benchButton === undefined ? null : window.__benchButton,
            resource_timing_bytes: transfer, status: nav.responseStatus || null};
}"""

SERVICE_WORKER_READY = """async () => {
    if (!("serviceWorker" in navigator)) return "unsupported";
    const reg = await navigator.serviceWorker.getRegistration();
    if (!reg) return "none";
    const ready = navigator.serviceWorker.ready.then(r => r.active ? r.active.state : "none");
    const late = new Promise(done => setTimeout(() => done("not ready after 10 s"), 10000));
    return await Promise.race([ready, late]);
}"""


class BenchError(Exception):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nightcramp_command() -> list[str]:
    script = Path(sys.executable).parent / "nightcramp"
    return [str(script)] if script.exists() else [sys.executable, "-m", "nightcramp"]


def server_env(data_dir: Path) -> dict[str, str]:
    """This environment without any other nightcramp, Django or database settings: SQLite in data_dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NIGHTCRAMP_", "DJANGO_", "DATABASE_"))}
    env.update(NIGHTCRAMP_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1")
    return env


@contextmanager
def server(data_dir: Path) -> Iterator[str]:
    """`nightcramp serve` on a free port; yields its base URL and stops it afterwards."""
    env = server_env(data_dir)
    added = subprocess.run([*nightcramp_command(), "user", "add", USERNAME, "--password-stdin"], env=env,
                           input=PASSWORD + "\n", capture_output=True, text=True, timeout=180, check=False)
    if added.returncode != 0:
        raise BenchError(f"nightcramp user add failed ({added.returncode}): {added.stderr.strip()}")
    port = free_port()
    log_path = data_dir.parent / "server.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen([*nightcramp_command(), "serve", "--port", str(port)], env=env,
                                   stdout=subprocess.PIPE, stderr=log, text=True)
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    try:
        deadline = time.monotonic() + 120
        url = None
        while url is None:
            if process.poll() is not None:
                tail = log_path.read_text()[-2000:]
                raise BenchError(f"nightcramp serve exited with {process.returncode}: {tail}")
            if time.monotonic() > deadline:
                raise BenchError("nightcramp serve printed no address within 120 s")
            try:
                match = READY.search(lines.get(timeout=0.2))
            except queue.Empty:
                continue
            if match:
                url = match.group(1).rstrip("/")
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise BenchError(f"nothing listens on port {port}") from None
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


class Traffic:
    """Everything one page load sends and receives: the page's requests (CDP Network events) and the
    requests the service worker makes on its own (Playwright reports those for chromium)."""

    def __init__(self, context: Any, page: Any) -> None:
        self.cdp = context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.requests: dict[str, dict[str, Any]] = {}
        self.worker_requests: list[Any] = []
        self.in_flight = 0
        self.last_activity = time.monotonic()
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.requestServedFromCache", self._memory_cache)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.loadingFailed", self._failed)
        context.on("request", self._any_request)
        context.on("requestfinished", self._any_done)
        context.on("requestfailed", self._any_done)

    def reset(self) -> None:
        self.requests.clear()
        self.worker_requests.clear()

    def _sent(self, event: dict[str, Any]) -> None:
        if event["request"]["url"].startswith(("data:", "blob:")):
            return
        entry = self.requests.setdefault(event["requestId"], {"url": event["request"]["url"], "bytes": 0,
                                                              "source": "network", "done": False,
                                                              "sent": event["timestamp"]})
        entry["url"] = event["request"]["url"]  # a redirect reuses the id; its bytes add up

    def _response(self, event: dict[str, Any]) -> None:
        entry = self.requests.get(event["requestId"])
        if entry is None:
            return
        response = event["response"]
        if response.get("fromServiceWorker"):
            entry["source"] = "service worker"
        elif response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            entry["source"] = "disk cache"
        entry["status"] = response.get("status")

    def _memory_cache(self, event: dict[str, Any]) -> None:
        entry = self.requests.get(event["requestId"])
        if entry is not None:
            entry["source"] = "memory cache"

    def _finished(self, event: dict[str, Any]) -> None:
        entry = self.requests.get(event["requestId"])
        if entry is not None:
            entry["bytes"] += int(event.get("encodedDataLength") or 0)
            entry["done"] = True
            entry["ms"] = round((event["timestamp"] - entry["sent"]) * 1000, 1)

    def _failed(self, event: dict[str, Any]) -> None:
        entry = self.requests.get(event["requestId"])
        if entry is not None:
            entry["done"] = True
            entry["source"] = "failed"

    def _any_request(self, request: Any) -> None:
        self.in_flight += 1
        self.last_activity = time.monotonic()
        if request.service_worker is not None:
            self.worker_requests.append(request)

    def _any_done(self, request: Any) -> None:
        self.in_flight = max(0, self.in_flight - 1)
        self.last_activity = time.monotonic()

    def wait_quiet(self, page: Any, quiet_s: float = 0.5, limit_s: float = 15.0) -> None:
        """Until nothing has been asked for or answered for quiet_s (the service worker included)."""
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            page.wait_for_timeout(100)
            if self.in_flight == 0 and time.monotonic() - self.last_activity >= quiet_s:
                return

    def summary(self) -> dict[str, Any]:
        # What came over the wire: every byte the page itself received from the network (a response the
        # service worker or a cache answered received none), plus what the service worker fetched.
        own = [e for e in self.requests.values() if e["source"] == "network"]
        worker_bytes = 0
        for request in self.worker_requests:
            if request.failure is not None:
                continue  # a failed request received nothing
            sizes = request.sizes()
            worker_bytes += sizes["responseHeadersSize"] + sizes["responseBodySize"]
        return {"bytes": sum(e["bytes"] for e in own), "requests": len(self.requests),
                "network_requests": len(own), "service_worker_bytes": worker_bytes,
                "service_worker_requests": len(self.worker_requests),
                "by_source": {s: sum(1 for e in self.requests.values() if e["source"] == s)
                              for s in sorted({e["source"] for e in self.requests.values()})},
                "each": [{"url": urlsplit(e["url"]).path, "source": e["source"], "bytes": e["bytes"],
                          "ms": e.get("ms")} for e in self.requests.values()]}


def measure(page: Any, traffic: Traffic | None, url: str) -> dict[str, Any]:
    """One load of url: what went over the wire (with traffic), or how soon it was ready (without)."""
    if traffic is not None:
        traffic.reset()
    response = page.goto(url, wait_until="load")
    if response is None:
        raise BenchError(f"no response for {url}")
    status = response.status
    with suppress(PlaywrightTimeout):  # a button that never becomes clickable is reported as "never"
        page.wait_for_function("() => window.__benchButton !== undefined", timeout=5000)
    if traffic is not None:
        traffic.wait_quiet(page)
        return {**traffic.summary(), "status": status}
    page.wait_for_timeout(QUIET_S * 1000)
    timings = page.evaluate(TIMINGS)
    result = {k: v for k, v in timings.items() if k != "status"}
    result["status"] = status
    ready = [t for t in (result["dom_content_loaded_ms"], result["first_contentful_paint_ms"],
                         result["button_ms"]) if t is not None]
    result["interactive_ms"] = max(ready) if result["button_ms"] is not None else None
    for key in TIMES:
        if result[key] is not None:
            result[key] = round(float(result[key]), 1)
    return result


def log_in(browser: Any, base_url: str) -> dict[str, Any]:
    context = browser.new_context(base_url=base_url)
    try:
        page = context.new_page()
        page.goto("/login/")
        page.get_by_label("Username").fill(USERNAME)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda u: "/login/" not in u, timeout=15_000)
        state: dict[str, Any] = context.storage_state()
        return state
    finally:
        context.close()


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages: timings mean little on a busy machine."""
    return [round(x, 2) for x in os.getloadavg()]


def stats(runs: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    median, worst = {}, {}
    for key in METRICS:
        values = [r[key] for r in runs if r.get(key) is not None]
        median[key] = round(statistics.median(values), 1) if values else None
        worst[key] = round(max(values), 1) if values else None
    return median, worst


def one_visit(browser: Any, base_url: str, state: dict[str, Any], spec: dict[str, str],
              traffic: bool) -> dict[str, Any]:
    """A fresh context (empty cache, no service worker): a first load, then a repeat load of the page.

    With traffic, every request is followed through the DevTools protocol (bytes, sources); without,
    nothing but the page's own Performance API is read, so that following the requests (an extra
    DevTools session and an event for each request) does not slow down the timings.
    """
    context = browser.new_context(base_url=base_url, storage_state=state, viewport=PHONE)
    try:
        context.add_init_script(f"({BUTTON_WATCH})({json.dumps(spec['button'])})")
        page = context.new_page()
        watch = Traffic(context, page) if traffic else None
        first = measure(page, watch, spec["path"])
        if first["status"] != 200:
            return {"status": first["status"]}
        service_worker = page.evaluate(SERVICE_WORKER_READY)  # let it install before the repeat load
        if watch is not None:
            watch.wait_quiet(page)
        else:
            page.wait_for_timeout(SETTLE_S * 1000)  # the worker keeps the offline pages meanwhile
        repeat = measure(page, watch, spec["path"])
        return {"status": 200, "first": first, "repeat": repeat, "service_worker": service_worker}
    finally:
        context.close()


def paired_visit(browser: Any, base_url: str, state: dict[str, Any], spec: dict[str, str]) -> dict[str, Any]:
    """A visit that follows the traffic, and one that times the loads; their figures side by side."""
    weighed = one_visit(browser, base_url, state, spec, traffic=True)
    if weighed["status"] != 200:
        return weighed
    timed = one_visit(browser, base_url, state, spec, traffic=False)
    if timed["status"] != 200:
        return timed
    return {"status": 200, "service_worker": weighed["service_worker"],
            **{load: {**weighed[load], **timed[load]} for load in LOADS}}


def run_page(browser: Any, base_url: str, state: dict[str, Any], name: str, runs: int) -> dict[str, Any]:
    spec = PAGES[name]
    # One visit first that is not counted: the server compiles its templates and opens its database
    # connection once, which no later visitor waits for.
    warm = paired_visit(browser, base_url, state, spec)
    if warm["status"] == 404:
        return {"path": spec["path"], "status": "missing", "http_status": 404,
                "note": "the page answers 404: not there yet"}
    if warm["status"] != 200:
        raise BenchError(f"{spec['path']} answered {warm['status']}")
    samples: dict[str, list[dict[str, Any]]] = {load: [] for load in LOADS}
    service_worker = warm["service_worker"]
    for _ in range(runs):
        visit = paired_visit(browser, base_url, state, spec)
        if visit["status"] != 200:
            raise BenchError(f"{spec['path']} answered {visit['status']} on a later visit")
        for load in LOADS:
            samples[load].append(visit[load])
    result: dict[str, Any] = {"path": spec["path"], "status": "ok", "main_button": spec["button"],
                              "service_worker": service_worker}
    for load in LOADS:
        median, worst = stats(samples[load])
        result[load] = {"median": median, "max": worst, "runs": samples[load]}
    first_bytes = result["first"]["max"]["bytes"]
    goals: dict[str, Any] = {"first_load_bytes": {
        "goal": GOAL_FIRST_LOAD_BYTES, "value": first_bytes, "judged_on": "max",
        "met": first_bytes is not None and first_bytes < GOAL_FIRST_LOAD_BYTES}}
    for load in LOADS:
        value = result[load]["median"]["interactive_ms"]
        goals[f"{load}_interactive_ms"] = {"goal": GOAL_INTERACTIVE_MS, "value": value, "judged_on": "median",
                                           "met": value is not None and value <= GOAL_INTERACTIVE_MS}
    result["goals"] = goals
    return result


def table(report: dict[str, Any]) -> str:
    def kb(value: float | None) -> str:
        return "-" if value is None else f"{value / 1000:.1f}"

    def ms(value: float | None) -> str:
        return "never" if value is None else f"{value:.0f}"

    head = (f"{'page':<8} {'load':<7} {'page kB':>7} {'max':>6} {'+SW kB':>6} {'requests':>9} "
            f"{'TTI ms':>6} {'max':>5}  goals")
    rows = [head, "-" * len(head)]
    for name, page in report["pages"].items():
        if page["status"] != "ok":
            rows.append(f"{name:<8} MISSING  {page['path']} answered {page['http_status']} ({page['note']})")
            continue
        for load in LOADS:
            med, top = page[load]["median"], page[load]["max"]
            verdicts = []
            if load == "first":
                goal = page["goals"]["first_load_bytes"]
                verdicts.append(f"< {goal['goal'] / 1000:.0f} kB ok" if goal["met"]
                                else f"MISSED < {goal['goal'] / 1000:.0f} kB ({kb(goal['value'])} kB)")
            goal = page["goals"][f"{load}_interactive_ms"]
            verdicts.append(f"<= {goal['goal']:.0f} ms ok" if goal["met"]
                            else f"MISSED <= {goal['goal']:.0f} ms ({ms(goal['value'])} ms)")
            requests = f"{med['network_requests']:.0f}/{med['requests']:.0f}"
            rows.append(f"{name:<8} {load:<7} {kb(med['bytes']):>7} {kb(top['bytes']):>6} "
                        f"{kb(med['service_worker_bytes']):>6} {requests:>9} {ms(med['interactive_ms']):>6} "
                        f"{ms(top['interactive_ms']):>5}  {'; '.join(verdicts)}")
    rows.append("")
    rows.append("page kB: bytes the page's own requests took over the wire (median, max); +SW kB: what the")
    rows.append("service worker fetched by itself meanwhile (median); requests: from the network / all;")
    rows.append("TTI: time to interactive (median, max) = the latest of DOMContentLoaded, first contentful")
    rows.append("paint and the main button being shown and enabled. kB = 1000 bytes.")
    load = report["machine"].get("load_average")
    if load:
        rows.append(f"Load average while measuring: {load['before']} before, {load['after']} after "
                    f"({report['machine']['cpus']} CPUs).")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="measurements per page and load (default 5)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON results (default %(default)s)")
    parser.add_argument("--chromium", type=Path, default=CHROMIUM, help="the browser (default %(default)s)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not args.chromium.exists():
        print(f"error: no chromium at {args.chromium} (apt-get install chromium)", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="nightcramp-bench-"))
    try:
        with server(work / "data") as base_url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(args.chromium), headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"])
            try:
                state = log_in(browser, base_url)
                report: dict[str, Any] = {
                    "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "runs": args.runs,
                    "goals": {"first_load_bytes": GOAL_FIRST_LOAD_BYTES,
                              "interactive_ms": GOAL_INTERACTIVE_MS},
                    "browser": f"chromium {browser.version} (headless)",
                    "machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                                "python": platform.python_version()},
                    "database": "sqlite",
                }
                before = load_average()
                report["pages"] = {name: run_page(browser, base_url, state, name, args.runs)
                                   for name in PAGES}
                report["machine"]["load_average"] = {"before": before, "after": load_average()}
            finally:
                browser.close()
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(table(report))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    try:
        shown = args.out.resolve().relative_to(Path.cwd())
    except ValueError:
        shown = args.out
    print(f"\n{args.runs} run(s) per page and load; every run in {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
