"""Reads a RIS file back with rispy and prints its entries as JSON for the Rust test."""

import json
import sys

import rispy


def main(path):
    with open(path, encoding="utf-8") as f:
        entries = rispy.load(f)
    if not entries:
        sys.exit("rispy read no entries")
    print(json.dumps(entries, default=str))


if __name__ == "__main__":
    main(sys.argv[1])
