// Builds the browser bundles from storefront_templates/src/ with esbuild: one minified ES module
// per entry point, which is what the hub serves and what a Python wheel ships (no Node needed
// there), and an external source map beside each (no sourceMappingURL comment: the served file
// does not grow; a developer adds the map in the browser's dev tools by hand).
//
//   node scripts/build-js.mjs            write storefront_templates/static/{cartstart,connect,console,talk,personalise,live,market}.js(.map)
//   node scripts/build-js.mjs --check    fail when a committed bundle differs from a fresh build
//
// `make js` runs the first, `make lint` the second.

import { readFile, writeFile } from "node:fs/promises";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

const BUNDLES = [
  {
    entry: "storefront_templates/src/widget/main.js",
    out: "storefront_templates/static/cartstart.js",
    banner: "/* CartStart storefront widget (MIT). Built from storefront_templates/src/widget/: edit those and run `make js`. */",
  },
  {
    entry: "storefront_templates/src/connect/main.js",
    out: "storefront_templates/static/connect.js",
    banner: "/* CartStart connect window (MIT). Built from storefront_templates/src/connect/: edit those and run `make js`. */",
  },
  {
    entry: "storefront_templates/src/console/main.js",
    out: "storefront_templates/static/console.js",
    banner: "/* CartStart store console (MIT). Built from storefront_templates/src/console/: edit those and run `make js`. */",
  },
  {
    entry: "storefront_templates/src/talk/main.js",
    out: "storefront_templates/static/talk.js",
    banner: "/* CartStart talk panel (MIT), loaded by cartstart.js on a store's page. Built from storefront_templates/src/talk/: edit those and run `make js`. */",
  },
  {
    entry: "storefront_templates/src/personalise/main.js",
    out: "storefront_templates/static/personalise.js",
    banner: "/* CartStart personalise dialog (MIT), loaded by cartstart.js on a store's page. Built from storefront_templates/src/personalise/: edit those and run `make js`. */",
  },
  {
    entry: "storefront_templates/src/live/main.js",
    out: "storefront_templates/static/live.js",
    banner: "/* CartStart live selling page (MIT). Built from storefront_templates/src/live/: edit those and run `make js`. */",
  },
  {
    entry: "storefront_templates/src/market/main.js",
    out: "storefront_templates/static/market.js",
    banner: "/* CartStart marketplace (MIT). Built from storefront_templates/src/market/: edit those and run `make js`. */",
  },
];

async function build({ entry, out, banner }) {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    format: "esm",
    target: "es2020", // what the widget needed before it was built (?. and ??)
    minify: true,
    sourcemap: "external",
    legalComments: "none",
    charset: "ascii",
    banner: { js: banner },
    write: false,
    logLevel: "warning",
  });
  return result.outputFiles;
}

const check = process.argv.includes("--check");
const stale = [];
for (const bundle of BUNDLES) {
  for (const file of await build(bundle)) {
    const path = relative(ROOT, file.path);
    if (check) {
      const committed = await readFile(file.path).catch(() => null);
      if (!committed || !Buffer.from(file.contents).equals(committed)) stale.push(path);
    } else {
      await writeFile(file.path, file.contents);
      console.log(`${path}: ${file.contents.length} bytes`);
    }
  }
}
if (stale.length) {
  console.error(`stale browser bundle(s), not what storefront_templates/src/ builds: ${stale.join(", ")}\nrun \`make js\` and commit the result`);
  process.exit(1);
}
