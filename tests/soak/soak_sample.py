#!/usr/bin/env python3
"""Samples a running soak (tests/soak/soak.sh) and judges it.

Modes (all but --self-test take --procs NAME=PID:METRICS_PORT,... and
--city NAME):

  --seconds S --every E --warmup W --csv FILE
      Every E seconds until S have passed, one line: load average,
      commands appended per second (the counties' log heads), each
      process's resident memory (VmRSS, MB) and the replication lag:
      events the city's copies lack (each county's own head minus the
      city's copy head, both from /metrics) and the city's reported lag in
      seconds. All samples go to the CSV. At the end, per process: RSS at
      the end of the warm-up (W) and at the end, the growth, and the growth
      of its RocksDB memtables. Exit 1 if a process died.
  --catch-up S
      Waits up to S seconds until the city holds every county's head.
  --snapshot FILE
      Writes each process's RSS and memtable bytes (JSON).
  --self-test
      Shows the judge below bites (no processes needed).
  --compare SOAKED FRESH --bound-mb B
      What a process accumulated by running: its RSS less its memtables
      (RocksDB's cur-size-all-mem-tables, summed over its databases) after
      the soak, minus the same for a fresh process started on the same
      data. Memtables are set apart because a clean stop flushes them (and
      they are bounded by the write buffers); the city loads its projector
      state at start, so state that grew with the data is in both. Exit 1
      if that exceeds B MB for any process.
"""
import argparse
import contextlib
import csv
import io
import json
import os
import re
import sys
import time
import urllib.request

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)$')
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def scrape(port):
    """/metrics as {(name, frozenset(labels)): value}; {} if unreachable."""
    try:
        with urllib.request.urlopen(
                f'http://127.0.0.1:{port}/metrics', timeout=5) as r:
            text = r.read().decode()
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        m = SAMPLE.match(line)
        if not m or line.startswith('#'):
            continue
        labels = frozenset(LABEL.findall(m.group(2) or ''))
        try:
            out[(m.group(1), labels)] = float(m.group(3))
        except ValueError:
            pass
    return out


def metric(samples, name, **labels):
    want = set(labels.items())
    return sum(v for (n, ls), v in samples.items()
               if n == name and want <= set(ls))


def rss_mb(pid):
    try:
        with open(f'/proc/{pid}/status') as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


def lags(procs, city_name, counties):
    """Events each county's log holds beyond the city's copy."""
    metrics = {n: scrape(port) for n, _, port in procs}
    return {n: max(0.0, metric(metrics[n], 'reporting_log_head_sequence') -
                   metric(metrics[city_name], 'reporting_copy_head_sequence',
                          node=n))
            for n in counties}


def catch_up(procs, city_name, counties, seconds):
    start = time.time()
    while True:
        lag = lags(procs, city_name, counties)
        if sum(lag.values()) == 0:
            print(f"soak: the city holds every county's head "
                  f"{time.time() - start:.1f} s after the load stopped")
            return 0
        if time.time() - start > seconds:
            print(f"soak: FAILED: after {seconds:.0f} s the city still lacks "
                  f"{sum(lag.values()):.0f} events: {lag}")
            return 1
        time.sleep(0.5)


def snapshot(procs, path):
    out = {}
    for n, pid, port in procs:
        r = rss_mb(pid)
        if r is None:
            print(f"soak: FAILED: {n} (pid {pid}) is gone")
            return 1
        m = scrape(port)
        out[n] = {'rss_mb': r,
                  'memtable_mb': metric(
                      m, 'reporting_rocksdb_memtable_bytes') / 2**20,
                  'wal_mb': metric(m, 'reporting_rocksdb_wal_bytes') / 2**20}
    with open(path, 'w') as f:
        json.dump(out, f, indent=1)
    return 0


def compare(procs, soaked_path, fresh_path, bound):
    with open(soaked_path) as f:
        soaked = json.load(f)
    with open(fresh_path) as f:
        fresh = json.load(f)
    print(f"\nAccumulated by running: (RSS - memtables) after the soak minus "
          f"the same for a fresh process on the same data; bound "
          f"{bound:.0f} MB")
    print(f"{'process':<8} {'soaked MB':>9} {'memtab':>7} {'fresh MB':>9} "
          f"{'memtab':>7} {'accumulated':>11}")
    failed = []
    for n, _, _ in procs:
        s, f = soaked[n], fresh[n]
        acc = ((s['rss_mb'] - s['memtable_mb']) -
               (f['rss_mb'] - f['memtable_mb']))
        print(f"{n:<8} {s['rss_mb']:9.1f} {s['memtable_mb']:7.1f} "
              f"{f['rss_mb']:9.1f} {f['memtable_mb']:7.1f} {acc:+11.1f}")
        if acc > bound:
            failed.append(n)
    if failed:
        print(f"soak: FAILED: more than {bound:.0f} MB accumulated in "
              f"{', '.join(failed)}")
        return 1
    print(f"soak: every process within {bound:.0f} MB of a fresh one")
    return 0


def self_test():
    """The judge bites: a process 20 MB above a fresh one (memtables
    aside) fails a 16 MB bound; one whose growth is all memtables passes."""
    import tempfile
    procs = [('city', 0, 0), ('371302', 0, 0)]
    fresh = {'city': {'rss_mb': 80, 'memtable_mb': 0},
             '371302': {'rss_mb': 35, 'memtable_mb': 0}}
    cases = [({'city': {'rss_mb': 180, 'memtable_mb': 100},
               '371302': {'rss_mb': 45, 'memtable_mb': 10}}, 0),
             ({'city': {'rss_mb': 180, 'memtable_mb': 100},
               '371302': {'rss_mb': 65, 'memtable_mb': 10}}, 1)]
    with tempfile.TemporaryDirectory() as d:
        for soaked, want in cases:
            paths = []
            for name, snap in (('soaked', soaked), ('fresh', fresh)):
                paths.append(os.path.join(d, name + '.json'))
                with open(paths[-1], 'w') as f:
                    json.dump(snap, f)
            with contextlib.redirect_stdout(io.StringIO()):
                got = compare(procs, paths[0], paths[1], 16)
            if got != want:
                print("soak: SELF-TEST FAILED")
                return 1
    print("soak: self-test passed (a 20 MB leak fails, memtables pass)")
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--procs')
    p.add_argument('--city')
    p.add_argument('--seconds', type=float)
    p.add_argument('--every', type=float)
    p.add_argument('--warmup', type=float)
    p.add_argument('--bound-mb', type=float)
    p.add_argument('--csv')
    p.add_argument('--catch-up', type=float)
    p.add_argument('--snapshot')
    p.add_argument('--compare', nargs=2)
    p.add_argument('--self-test', action='store_true')
    a = p.parse_args()
    if a.self_test:
        return self_test()

    procs = []  # (name, pid, metrics port)
    for item in a.procs.split(','):
        name, rest = item.split('=')
        pid, port = rest.split(':')
        procs.append((name, int(pid), int(port)))
    counties = [n for n, _, _ in procs if n != a.city]
    if a.catch_up is not None:
        return catch_up(procs, a.city, counties, a.catch_up)
    if a.snapshot:
        return snapshot(procs, a.snapshot)
    if a.compare:
        return compare(procs, a.compare[0], a.compare[1], a.bound_mb)

    start = time.time()
    rows = []
    warm = None  # (rss, memtable) per process at the end of the warm-up
    last_appended, last_t = None, None
    dead = set()
    print(f"{'t':>5} {'load1':>5} {'cmd/s':>6} {'city MB':>8} "
          f"{'county MB min-max':>17} {'lag ev sum/max':>14} "
          f"{'lag s max':>9} {'proj lag':>8}", flush=True)
    with open(a.csv, 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['t_s', 'load1', 'appended', 'process', 'rss_mb',
                    'memtable_mb', 'lag_events', 'lag_seconds'])
        while True:
            t = time.time() - start
            load1 = os.getloadavg()[0]
            metrics = {n: scrape(port) for n, _, port in procs}
            city = metrics[a.city]
            heads = {n: metric(metrics[n], 'reporting_log_head_sequence')
                     for n in counties}
            lag_ev = {n: max(0.0, heads[n] - metric(
                city, 'reporting_copy_head_sequence', node=n))
                for n in counties}  # as lags(), from this one scrape
            lag_s = {n: metric(city, 'reporting_replication_lag_seconds',
                               node=n) for n in counties}
            proj = metric(city, 'reporting_projection_lag_events')
            appended = sum(heads.values())
            rate = 0.0
            if last_appended is not None and t > last_t:
                rate = (appended - last_appended) / (t - last_t)
            last_appended, last_t = appended, t
            row = {}
            for n, pid, _ in procs:
                r = rss_mb(pid)
                if r is None:
                    dead.add(n)
                    continue
                mem = metric(metrics[n],
                             'reporting_rocksdb_memtable_bytes') / 2**20
                row[n] = (r, mem)
                w.writerow([f'{t:.0f}', f'{load1:.2f}', int(appended), n,
                            f'{r:.1f}', f'{mem:.1f}', int(lag_ev.get(n, 0)),
                            f'{lag_s.get(n, 0):.1f}'])
            f.flush()
            rows.append((t, row))
            county_rss = [row[n][0] for n in counties if n in row]
            print(f"{t:5.0f} {load1:5.2f} {rate:6.0f} "
                  f"{row.get(a.city, (0, 0))[0]:8.1f} "
                  f"{min(county_rss, default=0):8.1f}-"
                  f"{max(county_rss, default=0):<8.1f} "
                  f"{sum(lag_ev.values()):7.0f}/{max(lag_ev.values()):<6.0f} "
                  f"{max(lag_s.values()):9.1f} {proj:8.0f}", flush=True)
            if warm is None and t >= a.warmup:
                warm = (t, row)
            if dead or t >= a.seconds:
                break
            time.sleep(max(0.0, a.every - (time.time() - start - t)))

    if dead:
        print(f"soak: FAILED: processes gone: {', '.join(sorted(dead))}")
        return 1
    if warm is None:
        print("soak: FAILED: the run ended before the warm-up did")
        return 1
    end_t, end = rows[-1]
    print(f"\nRSS growth from the end of the warm-up ({warm[0]:.0f} s) to "
          f"the end ({end_t:.0f} s), and the memtables' part of it")
    print(f"{'process':<8} {'warm MB':>8} {'end MB':>8} {'growth':>7} "
          f"{'memtables':>9}")
    for n, _, _ in procs:
        (r0, m0), (r1, m1) = warm[1][n], end[n]
        print(f"{n:<8} {r0:8.1f} {r1:8.1f} {r1 - r0:+7.1f} {m1 - m0:+9.1f}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
