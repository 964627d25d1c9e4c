"""Loads an OSCAL catalog with compliance-trestle, the baseline of
`crosswalk-bench oscal`. Prints JSON: the trestle version and the seconds of
each in-process load (read + parse + validate into trestle's pydantic model)."""
import json
import pathlib
import sys
import time

from trestle.oscal.catalog import Catalog

try:
    from importlib.metadata import version
    trestle_version = version("compliance-trestle")
except Exception:  # pragma: no cover - only for the report
    trestle_version = "unknown"

path = pathlib.Path(sys.argv[1])
runs = int(sys.argv[2])
secs = []
count = 0
for _ in range(runs):
    start = time.perf_counter()
    cat = Catalog.oscal_read(path)
    secs.append(time.perf_counter() - start)

    def walk(controls):
        n = 0
        for c in controls or []:
            n += 1 + walk(c.controls)
        return n

    count = sum(walk(g.controls) for g in cat.groups or [])
print(json.dumps({"version": trestle_version, "secs": secs, "controls": count}))
