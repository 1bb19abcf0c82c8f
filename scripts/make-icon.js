// Remakes media/icon.png (256×256, the extension's Marketplace icon) from the SVG below, rendered by
// Debian's Chromium through playwright-core (the same browser the host tests use; no download).
// The Marketplace rejects SVG icons, so the PNG is what ships; this script keeps it reproducible.
// Run: node scripts/make-icon.js
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const SIZE = 256;
const OUT = path.join(__dirname, '..', 'media', 'icon.png');

// Three tiers stacked like steps (cheap/fast at the bottom, widest; the pro tier on top) with a cap
// line above them: routing by tier under a daily cap.
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 256 256">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#1f2a44"/>
      <stop offset="1" stop-color="#111827"/>
    </linearGradient>
  </defs>
  <rect x="8" y="8" width="240" height="240" rx="48" fill="url(#bg)"/>
  <rect x="40" y="172" width="176" height="40" rx="10" fill="#34d399"/>
  <rect x="64" y="122" width="128" height="40" rx="10" fill="#38bdf8"/>
  <rect x="88" y="72" width="80" height="40" rx="10" fill="#a78bfa"/>
  <line x1="52" y1="52" x2="204" y2="52" stroke="#f8fafc" stroke-width="8" stroke-linecap="round"
        stroke-dasharray="16 12"/>
</svg>`;

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.TIERED_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE }, deviceScaleFactor: 1 });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
    // omitBackground keeps the rounded corners transparent.
    await page.locator('svg').screenshot({ path: OUT, omitBackground: true });
  } finally {
    await browser.close();
  }
  console.log(`wrote ${path.relative(process.cwd(), OUT)} (${fs.statSync(OUT).size} bytes)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
