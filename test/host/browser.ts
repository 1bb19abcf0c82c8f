// Debian's Chromium driven by playwright-core: no browser download, which this machine can't do.
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.TIERED_CHROMIUM ?? '/usr/bin/chromium';

// Flags proven on this machine (VSCODE_HOST.md): no sandbox as root, no GPU, nothing phoning out.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export function chromiumInstalled(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

/** Headless; playwright gives every launch a fresh temporary --user-data-dir and removes it on close. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
