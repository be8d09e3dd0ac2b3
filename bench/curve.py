"""The cost curve: the same pages at several archive sizes, from bench/results/<N>.json.

    python bench/curve.py 10000 100000 1000000
    python bench/curve.py --measure 100000 1000000

The second form measures again, interleaved: one cold server (page cache off) per size,
all at once, and each page loaded at each size in turn (3 rounds of 5 s after a warm-up
round, median), so every comparison is made within seconds, not runs made an hour apart
on a machine whose speed drifts. It needs the runs' results for their pages' addresses
and writes bench/results/curve.json.

prints one Markdown table (docs/PERFORMANCE.md, "A million articles"): per page, its
uncached ("cold") throughput at each size with its share of that run's template floor
(the same page size rendered with no database: the machine's speed during the run), its
render with every cache empty, and the largest size's figure against the one before it,
raw and as shares of the floor (the target: within 20 %).
"""

import json
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
ROUNDS = 3
SECONDS = 5


def load(size):
    path = RESULTS / f"{size}.json"
    if not path.exists():
        raise SystemExit(f"{path} is missing: run bash bench/run.sh --articles {size}")
    return json.loads(path.read_text())


def ratio(last, before):
    return f"{last / before:.2f}" if last and before else "–"


def table(sizes):
    results = [load(size) for size in sizes]
    labels = [f"{size:,}" for size in sizes]
    head = ["page"] + [f"cold req/s (/ floor) at {label}" for label in labels] \
        + [f"empty caches at {label}" for label in labels]
    if len(sizes) > 1:
        head += [f"{labels[-1]} / {labels[-2]}", "same, as shares of the floor"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in results[-1]["pages"]:
        pages = [result["pages"].get(name, {}) for result in results]
        cold = [page.get("cold", {}).get("rps") for page in pages]
        floor = [page.get("cold", {}).get("vs_template_floor") for page in pages]
        empty = [page.get("ms_empty_caches") for page in pages]
        cells = [name] + [
            f"{c:,.1f} ({f})" if c else "–" for c, f in zip(cold, floor, strict=True)
        ] + [f"{m} ms" if m is not None else "–" for m in empty]
        if len(sizes) > 1:
            cells += [ratio(cold[-1], cold[-2]), ratio(floor[-1], floor[-2])]
        lines.append("| " + " | ".join(cells) + " |")
    seeded = ", ".join(
        f"{label}: {result['seed_seconds']} s"
        for label, result in zip(labels, results, strict=True)
        if result.get("seed_seconds")
    )
    if seeded:
        lines.append(f"\nSeeded in (this run): {seeded}.")
    return "\n".join(lines)


def staff_session(database):
    """A signed-in editor's session key on that database (bench/run.py's own)."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from bench import run; "
            "run.setup_django(sys.argv[2]); print(run.staff_session())")
    return subprocess.run([sys.executable, "-c", code, str(REPO), database], check=True,
                          capture_output=True, text=True).stdout.split()[-1]


def measure(sizes):
    sys.path.insert(0, str(REPO))
    from bench import run as harness

    harness.ensure_postgres()
    harness.start_redis()
    results = {size: load(size) for size in sizes}
    names = list(results[sizes[-1]]["pages"])
    servers, sessions = {}, {}
    try:
        for size in sizes:
            database = f"newsroom_bench_{size}"
            servers[size] = harness.Server(harness.app_env(database, page_cache=False))
            sessions[size] = staff_session(database)
        figures = {size: {name: [] for name in names} for size in sizes}
        for round_number in range(ROUNDS + 1):  # the first round warms up
            for name in names:
                for size in sizes:
                    url = results[size]["pages"][name]["url"]
                    headers = [f"Cookie: sessionid={sessions[size]}"] \
                        if name == "admin list" else []
                    rps = harness.wrk(f"http://127.0.0.1:{servers[size].port}{url}",
                                      SECONDS if round_number else 2, headers=headers)["rps"]
                    if round_number:
                        figures[size][name].append(rps)
            harness.log(f"round {round_number} done")
    finally:
        for server in servers.values():
            server.stop()
    medians = {size: {name: statistics.median(runs) for name, runs in pages.items()}
               for size, pages in figures.items()}
    (RESULTS / "curve.json").write_text(json.dumps(
        {"sizes": sizes, "rounds": figures, "median": medians}, indent=2))
    head = ["page", *(f"cold req/s at {size:,}" for size in sizes)]
    if len(sizes) > 1:
        head.append(f"{sizes[-1]:,} / {sizes[-2]:,}")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in names:
        cells = [name, *(f"{medians[size][name]:,.1f}" for size in sizes)]
        if len(sizes) > 1:
            cells.append(ratio(medians[sizes[-1]][name], medians[sizes[-2]][name]))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    interleaved = "--measure" in arguments
    sizes = [int(arg.replace(",", "").replace("_", "")) for arg in arguments
             if arg != "--measure"]
    if not sizes:
        raise SystemExit(__doc__)
    print(measure(sizes) if interleaved else table(sizes))
