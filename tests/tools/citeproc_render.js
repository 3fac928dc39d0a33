// Renders a CSL-JSON file with citeproc-js (the engine of Zotero and Mendeley) in APA, the style
// @citation-js/plugin-csl ships, and prints {"entries": [...]} as JSON. Any citeproc error, or
// an item it cannot render, exits non-zero. Usage: node citeproc_render.js ITEMS.json
// (NODE_PATH must hold the node_modules that scripts/test.sh installs under target/).
"use strict";
const fs = require("fs");
const path = require("path");
const CSL = require("citeproc");

const pluginDir = path.dirname(require.resolve("@citation-js/plugin-csl/package.json"));
const styles = JSON.parse(fs.readFileSync(path.join(pluginDir, "lib", "styles.json"), "utf8"));
const locales = JSON.parse(fs.readFileSync(path.join(pluginDir, "lib", "locales.json"), "utf8"));

const items = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
if (!Array.isArray(items) || items.length === 0) {
  throw new Error("CSL-JSON must be a non-empty array of items");
}
const byId = new Map(items.map((item) => [String(item.id), item]));
const sys = {
  retrieveLocale: (lang) => locales[lang] || locales["en-US"],
  retrieveItem: (id) => byId.get(String(id)),
};
const engine = new CSL.Engine(sys, styles.apa, "en-US");
engine.opt.development_extensions.wrap_url_and_doi = false;
engine.updateItems([...byId.keys()]);
const [meta, entries] = engine.makeBibliography();
if (meta.bibliography_errors && meta.bibliography_errors.length) {
  throw new Error("citeproc errors: " + JSON.stringify(meta.bibliography_errors));
}
if (entries.length !== items.length) {
  throw new Error(`rendered ${entries.length} of ${items.length} items`);
}
const plain = entries.map((html) => html.replace(/<[^>]+>/g, "").replace(/&#38;/g, "&").replace(/\s+/g, " ").trim());
process.stdout.write(JSON.stringify({ entries: plain }));
