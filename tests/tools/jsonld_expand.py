"""Expands a JSON-LD document with pyld (offline: the context is inline) and checks that every
property key of the expanded form is an absolute IRI and that no property was dropped. Prints a JSON summary for the Rust test:
the number of node objects and the sorted set of property IRIs. Exits non-zero on any problem."""

import json
import sys

from pyld import jsonld


def no_remote_contexts(url, options=None):
    raise RuntimeError(f"the document asked to load a remote context: {url}")


def main(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    dropped = []
    expanded = jsonld.expand(
        doc, {"documentLoader": no_remote_contexts}, on_property_dropped=lambda prop: dropped.append(prop)
    )
    if dropped:
        sys.exit(f"properties the @context does not map (dropped on expansion): {sorted(set(map(str, dropped)))}")
    properties, relative, nodes = set(), set(), 0

    def walk(value):
        nonlocal nodes
        if isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            if "@value" not in value:
                nodes += 1
            for key, v in value.items():
                if not key.startswith("@"):
                    absolute = key.startswith(("http://", "https://", "urn:"))
                    (properties if absolute else relative).add(key)
                walk(v)

    walk(expanded)
    if relative:
        sys.exit(f"property keys that are not absolute IRIs: {sorted(relative)}")
    if nodes == 0:
        sys.exit("the expanded document is empty: every term was dropped")
    print(json.dumps({"nodes": nodes, "properties": sorted(properties)}))


if __name__ == "__main__":
    main(sys.argv[1])
