// Serves the real panel page (the host's HTML with its CSP, the built dist/webview.js and
// media/panel.css) on loopback and opens it in headless Chromium with a fake acquireVsCodeApi
// that records what the panel posts and answers 'ready' with fixture data.
import * as esbuild from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, statSync, readdirSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { newNonce, panelHtml } from '../../src/vscode/panel/html';
import type { PanelData } from '../../src/webview/protocol';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../host/browser';

export const ROOT = join(__dirname, '..', '..', '..');
// One Chromium set-up for the page tests and the VS Code tests.
export const CHROMIUM = CHROMIUM_PATH;

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds dist/webview.js the way esbuild.js does, when it is missing or older than its sources. */
export async function ensureWebviewBuilt(): Promise<string> {
  const out = join(ROOT, 'dist', 'webview.js');
  const sources = Math.max(
    ...['webview', 'core/spend', 'core/money'].map((d) => newestMtime(join(ROOT, 'src', ...d.split('/')))),
  );
  if (!existsSync(out) || statSync(out).mtimeMs < sources) {
    await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ['src/webview/main.ts'],
      outfile: 'dist/webview.js',
      bundle: true,
      sourcemap: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      logLevel: 'warning',
    });
  }
  return out;
}

export type Theme = 'dark' | 'light' | 'hc';
/** The class VS Code puts on a webview's body for each kind of theme. */
const BODY_CLASS: Record<Theme, string> = { dark: 'vscode-dark', light: 'vscode-light', hc: 'vscode-high-contrast' };

export interface PanelPage {
  page: Page;
  origin: string;
  /** Messages the panel posted, in order. */
  posted(): Promise<Array<Record<string, unknown>>>;
  /** CSP violations, console errors and page errors seen so far. */
  problems(): Promise<string[]>;
  close(): Promise<void>;
}

/** Static files the page may load; anything else is a 404. */
function serve(theme: Theme): Promise<{ server: Server; origin: string }> {
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const url = new URL(req.url ?? '/', origin);
      const files: Record<string, [string, string]> = {
        '/dist/webview.js': [join(ROOT, 'dist', 'webview.js'), 'text/javascript'],
        '/dist/webview.js.map': [join(ROOT, 'dist', 'webview.js.map'), 'application/json'],
        '/media/panel.css': [join(ROOT, 'media', 'panel.css'), 'text/css'],
        '/themes.css': [join(ROOT, 'test', 'ui', 'themes.css'), 'text/css'],
      };
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      if (url.pathname === '/') {
        const nonce = newNonce();
        const html = panelHtml({
          cspSource: origin,
          nonce,
          scriptUri: `${origin}/dist/webview.js`,
          styleUri: `${origin}/media/panel.css`,
        })
          .replace('<html lang="en">', `<html lang="en" data-theme="${theme}">`)
          .replace('<body>', `<body class="${BODY_CLASS[theme]}">`)
          .replace(
            '<link rel="stylesheet"',
            `<link rel="stylesheet" href="${origin}/themes.css">\n<link rel="stylesheet"`,
          );
        res.writeHead(200, { 'content-type': 'text/html' }).end(html);
        return;
      }
      const file = files[url.pathname];
      if (!file || !existsSync(file[0])) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': file[1] }).end(readFileSync(file[0]));
    });
    server.listen(0, '127.0.0.1', () => {
      resolve({ server, origin: `http://127.0.0.1:${(server.address() as { port: number }).port}` });
    });
  });
}

/** Installed in the page before its scripts: the webview API VS Code would provide. */
function fakeVsCodeApi(arg: { data: PanelData | null; state: unknown }): void {
  type Msg = { type: string; requestId: string };
  // Tests set sessionStorage.__noReply to see what the panel shows before the host answers.
  const w = window as unknown as Record<string, unknown>;
  const posted: Msg[] = [];
  w.__posted = posted;
  w.__problems = [];
  w.__fixture = arg.data;
  let state =
    arg.state ?? (sessionStorage.getItem('__state') ? JSON.parse(sessionStorage.getItem('__state')!) : undefined);
  document.addEventListener('securitypolicyviolation', (e) => {
    (w.__problems as string[]).push(`CSP: ${e.violatedDirective} blocked ${e.blockedURI || e.sample}`);
  });
  const reply = (m: unknown) => setTimeout(() => window.postMessage(m, '*'), 0);
  w.acquireVsCodeApi = () => ({
    postMessage(m: Msg) {
      posted.push(JSON.parse(JSON.stringify(m)));
      const data = w.__fixture as PanelData | null;
      if ((m.type === 'ready' || m.type === 'setRange') && data && !sessionStorage.getItem('__noReply')) {
        const range = (m as unknown as { range?: unknown }).range ?? data.range;
        reply({ type: 'data', requestId: m.requestId, data: { ...data, range } });
      } else if (['setCaps', 'raiseToday', 'exportCsv', 'swapModel'].includes(m.type)) {
        reply({ type: 'result', requestId: m.requestId, ok: true, message: `${m.type} done` });
      }
    },
    getState: () => state,
    setState(s: unknown) {
      state = s;
      // Survives a reload of the page, as the webview state survives hide/show.
      sessionStorage.setItem('__state', JSON.stringify(s));
    },
  });
}

export async function openPanelPage(
  data: PanelData | null,
  options: { theme?: Theme; width?: number; height?: number } = {},
): Promise<PanelPage> {
  await ensureWebviewBuilt();
  const { server, origin } = await serve(options.theme ?? 'dark');
  const userDataDir = mkdtempSync(join(tmpdir(), 'tiered-ui-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: options.width ?? 1100, height: options.height ?? 900 },
    });
  } catch (err) {
    server.close();
    rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.addInitScript(fakeVsCodeApi, { data, state: null });
  await page.goto(origin + '/');
  return {
    page,
    origin,
    posted: () => page.evaluate(() => (window as unknown as { __posted: Array<Record<string, unknown>> }).__posted),
    async problems() {
      const inPage = await page.evaluate(() => (window as unknown as { __problems: string[] }).__problems);
      return [...problems, ...inPage];
    },
    async close() {
      await context!.close();
      server.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
