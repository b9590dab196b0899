#!/usr/bin/env python3
"""Generates large.test: a few thousand rows over three hours (many 10-minute write-buffer
partitions, written out of time order, with overwritten points and a restart), and queries whose
expected results are computed here in plain Python, independently of any SQL engine.
check_duckdb.mjs then cross-checks them against DuckDB.

Usage: python3 test/sql/gen_large.py > test/sql/large.test
The output is deterministic (a fixed linear congruential generator, no library randomness).
"""
import copy
import datetime
import statistics
import sys

START = 1451606400  # 2016-01-01T00:00:00Z in seconds
HOSTS = ["h0", "h1", "h2", "h3", "h4"]
DC = {"h0": "east", "h1": "east", "h2": "west", "h3": "west", "h4": "west"}
RACK = {"h0": 1, "h1": 1, "h2": 2, "h3": 2, "h4": 3}
STEP = 20  # seconds between two points of one host
POINTS = 540  # three hours per host
STATES = ["ok", "ok", "ok", "warn", "crit"]


class Lcg:
    """A 64-bit linear congruential generator (Knuth's MMIX constants)."""

    def __init__(self, seed):
        self.state = seed

    def next(self, bound):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        return (self.state >> 33) % bound


def fmt_float(v):
    if v == 0:
        return "0"
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return "%.12g" % v


def fmt_time(sec):
    return datetime.datetime.fromtimestamp(sec, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def fmt(v, kind):
    if v is None:
        return "NULL"
    if kind == "R":
        return fmt_float(v)
    if kind == "P":
        return fmt_time(v)
    if kind == "B":
        return "true" if v else "false"
    if kind == "T":
        return v if v != "" else "(empty)"
    return str(v)


def iso(sec):
    return fmt_time(sec) + "Z"


def generate():
    """Returns (rows keyed by (host, t), the first lines, the overwriting lines)."""
    rng = Lcg(20160101)
    rows = {}
    lines = []
    for k, host in enumerate(HOSTS):
        v = 50.0
        for i in range(POINTS):
            t = START + k * 3 + i * STEP
            v = min(100.0, max(0.0, v + (rng.next(41) - 20) * 0.25))
            n = rng.next(2501) - 500
            ok = rng.next(10) != 0
            state = STATES[rng.next(len(STATES))] if rng.next(4) != 0 else None
            row = {"host": host, "dc": DC[host], "t": t, "n": n, "ok": ok, "s": state,
                   "v": None if i % 37 == 5 else v}
            rows[(host, t)] = row
            fields = []
            if row["v"] is not None:
                fields.append("v=%r" % row["v"])
            fields.append("n=%di" % n)
            fields.append("ok=%s" % ("true" if ok else "false"))
            if state is not None:
                fields.append('s="%s"' % state)
            lines.append("m,host=%s,dc=%s %s %d" % (host, DC[host], ",".join(fields), t))
    overwrites = []
    for j in range(30):
        host = HOSTS[j % len(HOSTS)]
        i = (j * 97 + 13) % POINTS
        t = START + HOSTS.index(host) * 3 + i * STEP
        overwrites.append((host, t, float(200 + j) + 0.5))
    return rows, lines, overwrites


class Emitter:
    def __init__(self):
        self.out = []

    def line(self, text=""):
        self.out.append(text)

    def query(self, types, sql, result, sort="rowsort", comment=None, duckdb=None):
        if comment:
            self.line("# " + comment)
        if duckdb:
            self.line("# duckdb: " + duckdb)
        self.line("query %s %s" % (types, sort))
        self.line(sql)
        self.line("----")
        lines = [" ".join(fmt(x, types[k]) for k, x in enumerate(r)) for r in result]
        if sort == "rowsort":
            lines.sort(key=lambda l: l.encode())
        for l in lines:
            self.line(l)
        self.line()


def by_host(rs):
    groups = {}
    for r in rs:
        groups.setdefault(r["host"], []).append(r)
    return sorted(groups.items())


def values(rs, col="v"):
    return [r[col] for r in rs if r[col] is not None]


def totals(e, rs, comment):
    e.query("IIII", "SELECT count(*), count(v), count(s), count(DISTINCT host) FROM m",
            [(len(rs), len(values(rs)), len(values(rs, "s")), len({r["host"] for r in rs}))],
            sort="nosort", comment=comment)
    res = []
    for host, g in by_host(rs):
        gv = values(g)
        res.append((host, len(g), sum(r["n"] for r in g), min(gv), max(gv), sum(gv) / len(gv)))
    e.query("TIIRRR", "SELECT host, count(*), sum(n), min(v), max(v), avg(v) FROM m GROUP BY host",
            res)


def final_queries(e, rs):
    all_v = values(rs)
    e.query("IRRRI", "SELECT sum(n), sum(v), min(v), max(v), count(DISTINCT n) FROM m",
            [(sum(r["n"] for r in rs), sum(all_v), min(all_v), max(all_v),
              len({r["n"] for r in rs}))], sort="nosort")

    # Hourly buckets per data center.
    groups = {}
    for r in rs:
        key = (r["dc"], (r["t"] - START) // 3600 * 3600 + START)
        groups.setdefault(key, []).append(r)
    res = [(dc, b, len(g), sum(values(g)), max(r["n"] for r in g))
           for (dc, b), g in sorted(groups.items())]
    e.query("TPIRI",
            "SELECT dc, date_bin(INTERVAL '1 hour', time) AS hour, count(*), sum(v), max(n) "
            "FROM m GROUP BY dc, hour ORDER BY dc, hour",
            res, sort="nosort",
            duckdb="SELECT dc, time_bucket(INTERVAL '1 hour', time, TIMESTAMP '1970-01-01') AS hour, "
                   "count(*), sum(v), max(n) FROM m GROUP BY dc, hour ORDER BY dc, hour")

    # Ten-minute buckets: one per write-buffer partition.
    groups = {}
    for r in rs:
        groups.setdefault((r["t"] - START) // 600 * 600 + START, []).append(r)
    res = [(b, len(g), len(values(g)), sum(r["n"] for r in g)) for b, g in sorted(groups.items())]
    e.query("PIII",
            "SELECT date_bin(INTERVAL '10 minutes', time) AS b, count(*), count(v), sum(n) "
            "FROM m GROUP BY b ORDER BY b",
            res, sort="nosort",
            comment="One bucket per ten-minute partition.",
            duckdb="SELECT time_bucket(INTERVAL '10 minutes', time, TIMESTAMP '1970-01-01') AS b, "
                   "count(*), count(v), sum(n) FROM m GROUP BY b ORDER BY b")

    # Time ranges that cut partitions in the middle.
    for lo, hi in [(START + 55 * 60, START + 85 * 60), (START + 7 * 60 + 1, START + 7 * 60 + 61),
                   (START + 2 * 3600 + 59 * 60, START + 4 * 3600)]:
        g = [r for r in rs if lo <= r["t"] < hi]
        e.query("IIPP",
                "SELECT count(*), sum(n), min(time), max(time) FROM m WHERE time >= '%s' AND time < '%s'"
                % (iso(lo), iso(hi)),
                [(len(g), sum(r["n"] for r in g) if g else None, min(r["t"] for r in g),
                  max(r["t"] for r in g))], sort="nosort")
    g = [r for r in rs if START + 3600 <= r["t"] <= START + 3600 + 600 and r["host"] == "h3"]
    e.query("TIR",
            "SELECT host, count(*), avg(v) FROM m WHERE host = 'h3' AND time BETWEEN '%s' AND '%s' "
            "GROUP BY host" % (iso(START + 3600), iso(START + 3600 + 600)),
            [("h3", len(g), sum(values(g)) / len(values(g)))])
    e.query("I", "SELECT count(*) FROM m WHERE time < '2016-01-01T00:00:00Z' OR time >= '2016-01-01T03:00:15Z'",
            [(sum(1 for r in rs if r["t"] < START or r["t"] >= START + 3 * 3600 + 15),)],
            sort="nosort")

    # Orderings with LIMIT (times are unique, so they are total).
    last = sorted(rs, key=lambda r: -r["t"])[:5]
    e.query("PTRI", "SELECT time, host, v, n FROM m ORDER BY time DESC LIMIT 5",
            [(r["t"], r["host"], r["v"], r["n"]) for r in last], sort="nosort")
    top = sorted([r for r in rs if r["v"] is not None], key=lambda r: (-r["v"], r["t"]))[:6]
    e.query("TRP", "SELECT host, v, time FROM m WHERE v IS NOT NULL ORDER BY v DESC, time LIMIT 6",
            [(r["host"], r["v"], r["t"]) for r in top], sort="nosort")
    e.query("IPT", "SELECT n, time, host FROM m ORDER BY n, time LIMIT 4 OFFSET 2",
            [(r["n"], r["t"], r["host"]) for r in sorted(rs, key=lambda r: (r["n"], r["t"]))[2:6]],
            sort="nosort")

    # Filters on fields and tags.
    res = []
    for host, g in by_host(rs):
        c = [r for r in g if r["s"] == "crit"]
        res.append((host, len(c), sum(r["n"] for r in c)))
    e.query("TII", "SELECT host, count(*), sum(n) FROM m WHERE s = 'crit' GROUP BY host", res)
    groups = {}
    for r in rs:
        groups.setdefault((r["dc"], r["ok"]), []).append(r)
    e.query("TBII", "SELECT dc, ok, count(*), min(n) FROM m GROUP BY dc, ok",
            [(dc, ok, len(g), min(r["n"] for r in g)) for (dc, ok), g in sorted(groups.items())])
    groups = {}
    for r in rs:
        groups.setdefault(r["s"], []).append(r)
    res = [(s, len(g)) for s, g in groups.items()]
    e.query("TI", "SELECT s, count(*) FROM m GROUP BY s", res)
    g = [r for r in rs if r["v"] is not None and r["v"] > 60 and r["n"] < 0]
    e.query("II", "SELECT count(*), sum(n) FROM m WHERE v > 60 AND n < 0",
            [(len(g), sum(r["n"] for r in g) if g else None)], sort="nosort")
    g = [r for r in rs if r["host"] in ("h1", "h4") and r["s"] is None]
    e.query("I", "SELECT count(*) FROM m WHERE host IN ('h1', 'h4') AND s IS NULL", [(len(g),)],
            sort="nosort")

    # Statistics per host.
    res = []
    for host, g in by_host(rs):
        gv = values(g)
        res.append((host, statistics.stdev(gv), statistics.median(gv)))
    e.query("TRR", "SELECT host, stddev(v), median(v) FROM m GROUP BY host", res)

    # HAVING.
    res = []
    for host, g in by_host(rs):
        gv = values(g)
        if sum(gv) / len(gv) > 50:
            res.append((host,))
    e.query("T", "SELECT host FROM m GROUP BY host HAVING avg(v) > 50", res)

    # Selectors per host.
    res = []
    for host, g in by_host(rs):
        withv = [r for r in g if r["v"] is not None]
        lastr = max(withv, key=lambda r: r["t"])
        maxr = min(withv, key=lambda r: (-r["v"], r["t"]))
        res.append((host, lastr["v"], lastr["t"], maxr["v"], maxr["t"]))
    e.query("TRPRP",
            "SELECT host, selector_last(v, time)['value'], selector_last(v, time)['time'], "
            "selector_max(v, time)['value'], selector_max(v, time)['time'] FROM m GROUP BY host",
            res,
            duckdb="SELECT host, last(v ORDER BY time) FILTER (WHERE v IS NOT NULL), "
                   "max(time) FILTER (WHERE v IS NOT NULL), max(v), "
                   "first(time ORDER BY v DESC, time) FILTER (WHERE v IS NOT NULL) FROM m GROUP BY host")

    # Window: the 100th point of each host, and the largest step of v per host.
    res = []
    for host, g in by_host(rs):
        g = sorted(g, key=lambda r: r["t"])
        r = g[99]
        res.append((host, r["t"], r["v"]))
    e.query("TPR",
            "SELECT host, time, v FROM (SELECT host, time, v, row_number() OVER (PARTITION BY host "
            "ORDER BY time) AS rn FROM m) t WHERE rn = 100 ORDER BY host",
            res, sort="nosort")
    res = []
    for host, g in by_host(rs):
        g = sorted(g, key=lambda r: r["t"])
        steps = [b["v"] - a["v"] for a, b in zip(g, g[1:]) if a["v"] is not None and b["v"] is not None]
        res.append((host, max(steps)))
    e.query("TR",
            "SELECT host, max(d) FROM (SELECT host, v - lag(v) OVER (PARTITION BY host ORDER BY time) "
            "AS d FROM m) t GROUP BY host",
            res)

    # Join with a small table.
    groups = {}
    for r in rs:
        groups.setdefault(RACK[r["host"]], []).append(r)
    e.query("IIR",
            "SELECT h.rack, count(*), sum(m.v) FROM m JOIN hosts h ON m.host = h.host GROUP BY h.rack",
            [(rack, len(g), sum(values(g))) for rack, g in sorted(groups.items())])
    g = [r for r in rs if r["host"] == "h2" and r["v"] is not None]
    avg_h2 = sum(values(g)) / len(g)
    above = [r for r in g if r["v"] > avg_h2]
    e.query("I",
            "SELECT count(*) FROM m WHERE host = 'h2' AND v > (SELECT avg(v) FROM m WHERE host = 'h2')",
            [(len(above),)], sort="nosort")


def main():
    rows, lines, overwrites = generate()
    e = Emitter()
    e.line("# Generated by gen_large.py (do not edit by hand; rerun it): table m has %d rows, 5 hosts,"
           % len(rows))
    e.line("# one point every 20 s per host over three hours from 2016-01-01T00:00:00Z (18 ten-minute")
    e.line("# partitions), written host by host (out of time order) in two writes; then 30 points get")
    e.line("# a new v (the other fields stay). Every 37th point of a host has no v; about a quarter")
    e.line("# have no s. Expected results are computed by the generator, independently of DuckDB.")
    e.line()
    split = len(lines) * 2 // 5
    for part in (lines[:split], lines[split:]):
        e.line("write precision=s")
        for l in part:
            e.line(l)
        e.line()
    e.line("write precision=s")
    for host in HOSTS:
        e.line("hosts,host=%s rack=%di %d" % (host, RACK[host], START))
    e.line()

    before = sorted(rows.values(), key=lambda r: r["t"])
    totals(e, before, "Totals before the overwrites.")

    after_rows = copy.deepcopy(rows)
    e.line("# Overwrites: the same series and time again, with only v.")
    e.line("write precision=s")
    for host, t, v in overwrites:
        after_rows[(host, t)]["v"] = v
        e.line("m,host=%s,dc=%s v=%r %d" % (host, DC[host], v, t))
    e.line()
    after = sorted(after_rows.values(), key=lambda r: r["t"])
    totals(e, after, "Totals after the overwrites: count unchanged, v changed.")
    final_queries(e, after)

    e.line("restart")
    e.line()
    totals(e, after, "After a restart (WAL replay) the results are the same.")
    final_queries(e, after)
    sys.stdout.write("\n".join(e.out).rstrip("\n") + "\n")


if __name__ == "__main__":
    main()
