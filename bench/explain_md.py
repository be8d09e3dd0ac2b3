"""EXPLAIN ANALYZE of every page's queries, from bench/results/<N>-explain.json, as the
Markdown of docs/PERFORMANCE.md's appendix:

    python bench/explain_md.py 1000000

Each query with its time and the start of its SQL, its plan abridged to its first lines,
and a list of the tables any plan reads whole (sequential scans).
"""

import json
import re
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
PLAN_LINES = 12
SQL_CHARS = 160


def abridged_sql(sql):
    sql = re.sub(r"SELECT .*? FROM", "SELECT … FROM", sql, count=1, flags=re.S)
    return sql if len(sql) <= SQL_CHARS else sql[:SQL_CHARS] + "…"


def main(size):
    plans = json.loads((RESULTS / f"{size}-explain.json").read_text())
    lines, whole = [], set()
    for page, queries in plans.items():
        lines += [f"### {page}", ""]
        for query in queries:
            plan = query["plan"].splitlines()
            time = re.search(r"Execution Time: ([\d.]+) ms", query["plan"]).group(1)
            whole |= set(re.findall(r"Seq Scan on (\w+)", query["plan"]))
            shown = plan[:PLAN_LINES] + (["…"] if len(plan) > PLAN_LINES else []) + plan[-2:]
            lines += [f"- {time} ms: `{abridged_sql(query['sql'])}`", "", "  ```"]
            lines += [f"  {line}" for line in shown] + ["  ```", ""]
    print(f"Tables read whole by any plan: {', '.join(sorted(whole)) or 'none'}.\n")
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(int(sys.argv[1].replace(",", "")))
