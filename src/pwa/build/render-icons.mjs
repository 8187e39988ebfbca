// Rasterises Ledger's logo into the PNG icons the web app manifest and iOS need.
// Run by hand when the logo changes (`node src/pwa/build/render-icons.mjs`); the PNGs are committed,
// so a build never depends on a browser or the network.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../../tests/support/chromium.mjs';

const publicDir = fileURLToPath(new URL('../../../public/', import.meta.url));
const favicon = readFileSync(`${publicDir}favicon.svg`, 'utf8');
const glyph = favicon.match(/<path [^>]*\/>/)?.[0];
const background = favicon.match(/<rect [^>]*fill="([^"]+)"/)?.[1];
if (!glyph || !background) throw new Error('favicon.svg no longer has the rect + path this script expects');

// Launchers mask icons to their own shape, so those variants fill the whole square; a maskable icon
// must also keep its glyph inside the central 80% circle, hence the smaller glyph.
function fullBleed(glyphScale) {
  const offset = 32 * (1 - glyphScale);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="${background}"/><g transform="translate(${offset} ${offset}) scale(${glyphScale})">${glyph}</g></svg>`;
}

const icons = [
  { file: 'icons/icon-192.png', size: 192, svg: favicon },
  { file: 'icons/icon-512.png', size: 512, svg: favicon },
  { file: 'icons/icon-maskable-512.png', size: 512, svg: fullBleed(0.72) },
  { file: 'icons/apple-touch-icon.png', size: 180, svg: fullBleed(0.86) },
];

const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
try {
  for (const { file, size, svg } of icons) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const sized = svg.replace('<svg ', `<svg width="${size}" height="${size}" `);
    await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${sized}</body></html>`);
    await page.screenshot({ path: `${publicDir}${file}`, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    await page.close();
    console.log(`wrote public/${file}`);
  }
} finally {
  await browser.close();
}
