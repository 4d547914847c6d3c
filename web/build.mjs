// Builds the pages' scripts and copies the libraries they use into api/pages/static/lib/, which the
// hub serves under /static/lib/. Every file comes from npm (package-lock.json pins them):
// nothing is fetched at run time, so the pages work with no internet.
//
//   node build.mjs        (make does it: the `assets` target, a prerequisite of run and test)
import { build } from "esbuild";
import {
  cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { feature } from "topojson-client";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "api", "pages", "static", "lib");
const lib = (...parts) => join(here, "node_modules", ...parts);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// our own page scripts: one bundle per file in src/ (ES modules importing npm packages)
const entries = readdirSync(join(here, "src")).filter((f) => f.endsWith(".js"))
  .map((f) => join(here, "src", f));
await build({
  entryPoints: entries, bundle: true, minify: true, format: "iife", target: "es2020",
  outdir: out, legalComments: "linked", logLevel: "warning",
  loader: { ".png": "file" },
});

// libraries served as they come
cpSync(lib("leaflet", "dist", "leaflet.css"), join(out, "leaflet.css"));
cpSync(lib("leaflet", "dist", "images"), join(out, "images"), { recursive: true });
for (const f of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
  cpSync(lib("swagger-ui-dist", f), join(out, f));
}

// country outlines for the map (no tile server): Natural Earth via world-atlas, as GeoJSON
const topo = JSON.parse(readFileSync(lib("world-atlas", "countries-110m.json"), "utf8"));
const countries = feature(topo, topo.objects.countries);

// the map of the one-stop shops (/map): Europe, where the consular offices are, from the 1:110m
// outlines, and Moldova and its neighbours from the 1:50m ones (110m is too coarse at the zoom of
// a district); coordinates rounded to 0.01° (about 1 km), so the file stays small
const NEIGHBOURS = new Set(["498", "642", "804"]); // ISO 3166 numeric: MDA, ROU, UKR
const detailed = JSON.parse(readFileSync(lib("world-atlas", "countries-50m.json"), "utf8"));
const round = (c) => (typeof c[0] === "number" ? [Math.round(c[0] * 100) / 100,
  Math.round(c[1] * 100) / 100] : c.map(round));
const inEurope = (f) => JSON.stringify(f.geometry?.coordinates ?? []).match(/-?[0-9.]+,-?[0-9.]+/g)
  ?.some((pair) => { const [x, y] = pair.split(",").map(Number); return x > -25 && x < 50 && y > 30 && y < 72; });
const region = {
  type: "FeatureCollection",
  features: [
    ...countries.features.filter((f) => !NEIGHBOURS.has(f.id) && inEurope(f)),
    ...feature(detailed, detailed.objects.countries).features.filter((f) => NEIGHBOURS.has(f.id)),
  ].map((f) => ({ type: "Feature", id: f.id, properties: {},
    geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) } })),
};
writeFileSync(join(out, "europe.geojson"), JSON.stringify(region));
// what was built, with sizes (make's stamp; bench/pages.py reads the script sizes)
const files = {};
const walk = (dir, rel) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) walk(join(dir, e.name), r);
    else files[r] = statSync(join(dir, e.name)).size;
  }
};
walk(out, "");
writeFileSync(join(out, "manifest.json"), JSON.stringify({ files }, null, 1) + "\n");
