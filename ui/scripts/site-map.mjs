// Writes the exhibit site's US base map, src/export/site/us-map.svg: the states of npm's
// us-atlas (US Census Bureau boundaries, with Alaska and Hawaii as insets) projected with
// d3-geo's geoAlbersUsa fitted to the same 960 × 500 drawing as the app's map, as SVG paths.
// The engine projects places with the same projection (src/export/site/albers_usa.rs); this
// prints its fitted scale and translation. Run from ui/ (its node_modules):
//   cd ui && node scripts/site-map.mjs
import { geoAlbersUsa, geoPath } from "d3-geo";
import { feature, mesh } from "topojson-client";
import { readFileSync, writeFileSync } from "node:fs";

const us = JSON.parse(readFileSync("node_modules/us-atlas/states-10m.json", "utf8"));
const nation = feature(us, us.objects.nation);
const projection = geoAlbersUsa().fitExtent([[12, 12], [948, 488]], nation);
const path = geoPath(projection).digits(1);
const states = us.objects.states;
// The nation filled and outlined, and the borders between states: each line drawn once.
const svg = [
  `<path class="land" d="${path(nation)}"/>`,
  `<path class="borders" d="${path(mesh(us, states, (a, b) => a !== b))}"/>`,
].join("\n");
writeFileSync("../src/export/site/us-map.svg", svg + "\n");
console.log(JSON.stringify({ scale: projection.scale(), translate: projection.translate() }));
for (const [name, lon, lat] of [["Minneapolis", -93.265, 44.9778], ["Anchorage", -149.9003, 61.2181], ["Honolulu", -157.8583, 21.3069], ["Norcross", -84.2135, 33.9412]]) {
  console.log(name, JSON.stringify(projection([lon, lat])));
}
console.log("Paris", JSON.stringify(projection([2.35, 48.85])));
