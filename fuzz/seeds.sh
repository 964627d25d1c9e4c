#!/usr/bin/env bash
# Fills a fuzz target's corpus folder with seeds: the committed ones in
# fuzz/seeds/<target>/, the shipped libraries, catalogs and crosswalks, the
# import fixtures, and small pieces of the real OSCAL/OpenControl files in
# shared/data beside the repository (cut to fit the fuzz input size; skipped
# when that folder is missing). Nothing here is committed: the corpus folder
# is ignored by git. Usage: fuzz/seeds.sh TARGET CORPUS_DIR
set -euo pipefail
target=$1
out=$2
repo=$(cd "$(dirname "$0")/.." && pwd)
data=${CROSSWALK_SHARED_DATA:-$repo/../shared/data}
mkdir -p "$out"

# Copies files (not folders) into the corpus under their base name.
put() {
  for f in "$@"; do
    [ -f "$f" ] && cp -f "$f" "$out/$(basename "$f")"
  done
  return 0
}
yaml_seeds() {
  put "$repo"/controls/library/*.yaml "$repo"/tests/fixtures/import/*.yaml \
    "$repo"/tests/fixtures/import/errors/*.yaml "$repo"/tests/fixtures/import/refs/*.yaml \
    "$repo"/tests/fixtures/import/library/controls.yaml
}
# Small, still valid pieces of big real files (with python3, which the set-up has).
cut_json_catalog() { # FILE GROUPS CONTROLS OUT: a few groups, controls and enhancements
  [ -f "$1" ] && command -v python3 >/dev/null || return 0
  python3 - "$@" <<'EOF'
import json, sys
src, groups, controls, dst = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
doc = json.load(open(src))
cat = doc["catalog"]
cat.pop("back-matter", None)
meta = cat["metadata"]
for k in ("parties", "roles", "responsible-parties", "remarks", "links"):
    meta.pop(k, None)
def prune(items, n):
    items = items[:n]
    for c in items:
        c["parts"] = [p for p in c.get("parts", []) if p.get("name") != "guidance"]
        if "controls" in c:
            c["controls"] = prune(c["controls"], 2)
    return items
cat["groups"] = cat.get("groups", [])[:groups]
for g in cat["groups"]:
    g["controls"] = prune(g.get("controls", []), controls)
json.dump(doc, open(dst, "w"), separators=(",", ":"))
EOF
}
cut_xml_catalog() { # FILE OUT: the metadata, the first two groups, a few controls of each
  [ -f "$1" ] && command -v python3 >/dev/null || return 0
  python3 - "$1" "$2" <<'EOF'
import sys
import xml.etree.ElementTree as ET
ns = "http://csrc.nist.gov/ns/oscal/1.0"
ET.register_namespace("", ns)
root = ET.parse(sys.argv[1]).getroot()
q = lambda t: "{%s}%s" % (ns, t)
def prune(el, keep):
    kids = [k for k in el if k.tag in (q("group"), q("control"))]
    for k in kids[keep:]:
        el.remove(k)
    for k in kids[:keep]:
        prune(k, 2)
for bm in root.findall(q("back-matter")):
    root.remove(bm)
prune(root, 2)
ET.ElementTree(root).write(sys.argv[2], encoding="UTF-8", xml_declaration=True)
EOF
}
opencontrol_seed() { # PROJECT OUT: the four files the target lays out, NUL-separated
  local p=$1
  [ -d "$p" ] || return 0
  {
    printf 'schema_version: "1.0.0"\nname: fuzz\ncomponents:\n  - ./components/a\nstandards:\n  - ./standards/s.yaml\ncertifications:\n  - ./certifications/c.yaml\n'
    printf '\0'
    cat "$p"/components/AU_policy/component.yaml
    printf '\0'
    cat "$p"/standards/FRIST-800-53.yaml
    printf '\0'
    cat "$p"/certifications/FredRAMP-low.yaml
  } >"$2"
}
# The import target's first byte picks the file name (fuzz_targets/import.rs NAMES).
prefixed() { # BYTE FILE...
  local b=$1
  shift
  for f in "$@"; do
    [ -f "$f" ] || continue
    { printf "\\x$b"; cat "$f"; } >"$out/$b-$(basename "$f")"
  done
}

seeds=$repo/fuzz/seeds
case "$target" in
  yaml | control_file) yaml_seeds ;;
  crosswalk_file)
    put "$repo"/controls/frameworks/*.yaml "$repo"/controls/crosswalks/*.yaml "$seeds"/crosswalk_file/*
    ;;
  oscal_catalog_json)
    put "$seeds"/oscal_catalog_json/*
    cut_json_catalog "$data/oscal/NIST_SP-800-53_rev5.0.1_catalog.json" 2 3 "$out/sp800-53-cut.json"
    cut_json_catalog "$data/oscal/NIST_SP-800-53_rev5.1.1_MODERATE-baseline_resolved-profile_catalog.json" 1 2 "$out/moderate-cut.json"
    ;;
  oscal_catalog_xml)
    put "$seeds"/oscal_catalog_xml/*
    cut_xml_catalog "$data/oscal/NIST_CSF_v2.0_catalog.xml" "$out/csf-cut.xml"
    ;;
  oscal_profile) put "$seeds"/oscal_profile/* "$data/oscal/NIST_SP-800-53_rev5_MODERATE-baseline_profile.json" ;;
  oscal_component) put "$seeds"/oscal_component/* "$data/oscal/example-component-definition.json" ;;
  oscal_mapping) put "$seeds"/oscal_mapping/* ;;
  opencontrol)
    put "$seeds"/opencontrol/*
    opencontrol_seed "$data/opencontrol/freedonia-compliance" "$out/freedonia"
    ;;
  matrix_csv) put "$seeds"/matrix_csv/* ;;
  matrix_xlsx) put "$seeds"/matrix_xlsx/* ;;
  import)
    prefixed 00 "$repo"/controls/library/*.yaml "$repo"/tests/fixtures/import/errors/*.yaml
    prefixed 02 "$seeds"/matrix_csv/*
    prefixed 03 "$seeds"/oscal_mapping/* "$seeds"/oscal_catalog_json/* "$data/oscal/example-component-definition.json" \
      "$data/oscal/NIST_SP-800-53_rev5_MODERATE-baseline_profile.json"
    prefixed 04 "$seeds"/oscal_catalog_xml/*
    for f in "$seeds"/matrix_xlsx/raw-*; do # those start with the target's mode byte
      { printf '\x05'; tail -c +2 "$f"; } >"$out/05-$(basename "$f")"
    done
    ;;
  *)
    echo "error: no seeds for fuzz target '$target' (add it to fuzz/seeds.sh)" >&2
    exit 2
    ;;
esac
