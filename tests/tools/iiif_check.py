"""Loads a IIIF export with iiif-prezi3, whose pydantic models are generated from the official
IIIF Presentation 3 JSON Schema: collection.json as a Collection, every manifest it lists as a
Manifest. Also fails on any property the models do not know or any value they must coerce
(pydantic would drop or fix it silently), and checks each image service's info.json against
the Image API 3 level-0 essentials, with a file for every size it lists. Prints a JSON summary
for the Rust test; exits non-zero with the reason on any problem.

Usage: iiif_check.py FOLDER BASE_URL"""

import json
import os
import sys

from iiif_prezi3 import Collection, Manifest


def differences(given, loaded, path="$"):
    """Where the model's dump `loaded` differs from the document `given`: properties IIIF does
    not define (pydantic drops them silently) and values it had to coerce (a string label, a
    width written as text)."""
    if isinstance(given, dict) and isinstance(loaded, dict):
        found = []
        for key, value in given.items():
            if key == "@context" and path == "$":
                continue
            if key not in loaded:
                found.append(f"{path}.{key} is not a IIIF Presentation 3 property")
            else:
                found.extend(differences(value, loaded[key], f"{path}.{key}"))
        return found
    if isinstance(given, list) and isinstance(loaded, list) and len(given) == len(loaded):
        return [d for i, (a, b) in enumerate(zip(given, loaded)) for d in differences(a, b, f"{path}[{i}]")]
    return [] if given == loaded else [f"{path} is {given!r}, which the model reads as {loaded!r}"]


def load(model, path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        resource = model.model_validate_json(text)
    except Exception as e:  # pydantic's ValidationError, with every failing path
        sys.exit(f"{path} is not a valid IIIF {model.__name__}:\n{e}")
    given = json.loads(text)
    if given.get("@context") != "http://iiif.io/api/presentation/3/context.json":
        sys.exit(f"{path}: @context is not the Presentation 3 context")
    found = differences(given, resource.model_dump(mode="json", by_alias=True, exclude_none=True))
    if found:
        sys.exit(f"{path} is not a valid IIIF {model.__name__}:\n" + "\n".join(found))
    return given


def check_info(folder, base, service):
    if not service.startswith(base):
        sys.exit(f"image service {service} is not under {base}")
    path = os.path.join(folder, service[len(base):], "info.json")
    with open(path, encoding="utf-8") as f:
        info = json.load(f)
    expected = {
        "@context": "http://iiif.io/api/image/3/context.json",
        "id": service,
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level0",
    }
    for key, value in expected.items():
        if info.get(key) != value:
            sys.exit(f"{path}: {key} is {info.get(key)!r}, not {value!r}")
    for key in ("width", "height"):
        if not isinstance(info.get(key), int) or info[key] < 1:
            sys.exit(f"{path}: {key} is not a positive integer")
    for size in info.get("sizes") or sys.exit(f"{path}: no sizes"):
        w, h = size["width"], size["height"]
        if not os.path.isfile(os.path.join(folder, service[len(base):], "full", f"{w},{h}", "0", "default.jpg")):
            sys.exit(f"{path}: size {w},{h} is listed but its file is missing")
    return info


def main(folder, base):
    collection = load(Collection, os.path.join(folder, "collection.json"))
    summary = {"manifests": 0, "canvases": 0, "services": 0}
    for ref in collection["items"]:
        if not ref["id"].startswith(base):
            sys.exit(f"manifest {ref['id']} is not under {base}")
        manifest = load(Manifest, os.path.join(folder, ref["id"][len(base):]))
        if manifest["id"] != ref["id"]:
            sys.exit(f"{ref['id']} says its id is {manifest['id']}")
        summary["manifests"] += 1
        for canvas in manifest["items"]:
            summary["canvases"] += 1
            body = canvas["items"][0]["items"][0]["body"]
            for service in body["service"]:
                info = check_info(folder, base, service["id"])
                summary["services"] += 1
                if (info["width"], info["height"]) != (canvas["width"], canvas["height"]):
                    sys.exit(f"{canvas['id']}: its size differs from its image service's")
    print(json.dumps(summary))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
