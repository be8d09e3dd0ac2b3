"""The cost curve: the same pages at several archive sizes, from bench/results/<N>.json.

    python bench/curve.py 10000 100000 1000000

prints one Markdown table (docs/PERFORMANCE.md, "A million articles"): per page, its
uncached ("cold") throughput and its render with every cache empty at each size, and
the largest size's throughput as a share of the one before it (the target: within 20 %).
"""

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def load(size):
    path = RESULTS / f"{size}.json"
    if not path.exists():
        raise SystemExit(f"{path} is missing: run bash bench/run.sh --articles {size}")
    return json.loads(path.read_text())


def table(sizes):
    results = [load(size) for size in sizes]
    labels = [f"{size:,}" for size in sizes]
    head = ["page"] + [f"cold req/s at {label}" for label in labels] \
        + [f"empty caches at {label}" for label in labels] \
        + [f"{labels[-1]} / {labels[-2]}" if len(sizes) > 1 else ""]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in results[-1]["pages"]:
        pages = [result["pages"].get(name, {}) for result in results]
        cold = [page.get("cold", {}).get("rps") for page in pages]
        empty = [page.get("ms_empty_caches") for page in pages]
        share = f"{cold[-1] / cold[-2]:.2f}" if len(sizes) > 1 and all(cold[-2:]) else "–"
        cells = [name] + [f"{c:,.1f}" if c else "–" for c in cold] \
            + [f"{m} ms" if m is not None else "–" for m in empty] + [share]
        lines.append("| " + " | ".join(cells) + " |")
    seeded = ", ".join(
        f"{label}: {result['seed_seconds']} s"
        for label, result in zip(labels, results, strict=True)
        if result.get("seed_seconds")
    )
    if seeded:
        lines.append(f"\nSeeded in (this run): {seeded}.")
    return "\n".join(lines)


if __name__ == "__main__":
    sizes = [int(arg.replace(",", "").replace("_", "")) for arg in sys.argv[1:]]
    if not sizes:
        raise SystemExit(__doc__)
    print(table(sizes))
