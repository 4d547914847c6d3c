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
writeFileSync(join(out, "countries.geojson"), JSON.stringify(countries));
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
