// Drives the VS Code workbench in headless Chromium the way a person would: quick open, typing,
// ghost text, Tab, the command palette, the status bar, screenshots.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from './browser';
import type { CodeServer } from './codeServer';
import { RESULTS_DIR } from './fixtures';

export interface OpenWorkbenchOptions {
  folder?: string;
  /** Reuse a browser; a fresh context is made either way. Default: launch one, closed by close(). */
  browser?: Browser;
  timeoutMs?: number;
}

/** VS Code ids status bar items as `<extension id>.<item id>`. */
export function statusBarElementId(extensionId: string, itemId: string): string {
  return `${extensionId}.${itemId}`;
}

export interface Toast {
  severity: 'error' | 'warning' | 'info';
  message: string;
  source: string;
}

export class Workbench {
  private constructor(
    readonly page: Page,
    private readonly ownBrowser: Browser | undefined,
    private readonly closeContext: () => Promise<void>,
  ) {}

  static async open(server: CodeServer, opts: OpenWorkbenchOptions = {}): Promise<Workbench> {
    const browser = opts.browser ?? (await launchChromium());
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(opts.timeoutMs ?? 20_000);
    const wb = new Workbench(page, opts.browser ? undefined : browser, () => context.close());
    try {
      await page.goto(server.workbenchUrl(opts.folder));
      await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: opts.timeoutMs ?? 30_000 });
    } catch (err) {
      await wb.close();
      throw err;
    }
    return wb;
  }

  /** Opens a workspace file through quick open (Ctrl+P) and waits for its editor to have focus. */
  async openFile(relativePath: string): Promise<void> {
    const name = path.basename(relativePath);
    await this.page
      .locator('.monaco-workbench')
      .click({ position: { x: 600, y: 400 } })
      .catch(() => undefined);
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(relativePath);
    // Wait for the file to be listed before Enter picks the first row.
    await this.page
      .locator('.quick-input-list .monaco-list-row', { hasText: name })
      .first()
      .waitFor({ state: 'visible' });
    await this.page.keyboard.press('Enter');
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ state: 'visible' });
    await this.focusEditor();
  }

  editor(): Locator {
    return this.page.locator('.editor-instance .monaco-editor').first();
  }

  async focusEditor(): Promise<void> {
    await this.page.locator('.editor-instance .monaco-editor textarea').first().focus();
  }

  /** Types like a person (key by key), so completion providers see each change. */
  async type(text: string, delayMs = 20): Promise<void> {
    await this.page.keyboard.type(text, { delay: delayMs });
  }

  async press(key: string): Promise<void> {
    await this.page.keyboard.press(key);
  }

  /** Moves the cursor to the end of the document. */
  async gotoEnd(): Promise<void> {
    await this.page.keyboard.press('Control+End');
  }

  /** Waits for an inline suggestion (ghost text) and returns its visible text. */
  async waitForGhostText(timeoutMs = 15_000): Promise<string> {
    // The provider must be registered before typing: wait for the extension (e.g. its status bar
    // item) first, or no request is made for what was typed.
    const ghost = this.page.locator('.monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text').first();
    await ghost.waitFor({ state: 'visible', timeout: timeoutMs });
    return this.ghostText();
  }

  /**
   * Ghost text, asking for it explicitly when VS Code's automatic trigger showed none within
   * `firstWaitMs`: on a loaded machine the trigger is sometimes dropped, or TypeScript's suggest
   * widget opens late and VS Code holds inline suggestions back. Each ask focuses the editor,
   * closes that widget (Escape) and triggers once (Alt+\); `asks` times at most.
   */
  async ghostTextOrAsk(firstWaitMs = 10_000, asks = 3): Promise<{ text: string; automatic: boolean }> {
    try {
      return { text: await this.waitForGhostText(firstWaitMs), automatic: true };
    } catch (err) {
      for (let i = 0; i < asks; i++) {
        // A notification or the palette may hold the keyboard: give it back to the editor.
        await this.focusEditor();
        await this.press('Escape');
        await this.press('Alt+Backslash');
        try {
          return { text: await this.waitForGhostText(10_000), automatic: false };
        } catch {
          // ask again
        }
      }
      throw err;
    }
  }

  /**
   * Types `text` on the cursor's (empty) line and returns the ghost text it brings, asking as
   * ghostTextOrAsk does; when even that shows nothing, clears the line and types it once more.
   */
  async typeForGhostText(text: string, firstWaitMs = 10_000): Promise<{ text: string; automatic: boolean }> {
    await this.type(text, 60);
    try {
      return await this.ghostTextOrAsk(firstWaitMs);
    } catch {
      await this.focusEditor();
      await this.press('Escape');
      await this.press('Home');
      await this.press('Shift+End');
      await this.press('Backspace');
      await this.type(text, 60);
      const again = await this.ghostTextOrAsk(firstWaitMs);
      return { text: again.text, automatic: false };
    }
  }

  /**
   * The ghost text shown, '' when none: the inline part (`.ghost-text-decoration` spans, one per
   * token) followed by the lines below (`.ghost-text` spans grouped by their line element).
   */
  async ghostText(): Promise<string> {
    return this.page.evaluate(() => {
      const clean = (s: string | null) => (s ?? '').replace(/\u00a0/g, ' ');
      const inline = Array.from(document.querySelectorAll('.monaco-editor .ghost-text-decoration'))
        .map((e) => clean(e.textContent))
        .join('');
      const lines = new Map<Element, string>();
      for (const span of Array.from(document.querySelectorAll('.monaco-editor .ghost-text'))) {
        const line = span.parentElement ?? span;
        lines.set(line, (lines.get(line) ?? '') + clean(span.textContent));
      }
      return [inline, ...lines.values()].join('\n');
    });
  }

  async acceptSuggestion(): Promise<void> {
    await this.page.keyboard.press('Tab');
  }

  /** The editor's text as rendered (view lines, in order); fine for the short files tests use. */
  async editorText(): Promise<string> {
    return this.page.evaluate(() => {
      const lines = Array.from(
        document.querySelectorAll('.editor-instance .monaco-editor .view-line'),
      ) as HTMLElement[];
      return lines
        .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
        .map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' '))
        .join('\n');
    });
  }

  /** Runs a command from the palette (F1) by its title, e.g. 'Tiered: Review Selection'. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ state: 'visible' });
    await row.click();
  }

  /** A status bar item by its element id (`statusBarElementId`) or, failing that, its aria label. */
  statusBarItem(idOrLabel: string): Locator {
    return this.page.locator(
      `.part.statusbar .statusbar-item[id="${idOrLabel}"], .part.statusbar .statusbar-item[aria-label*="${idOrLabel}"]`,
    );
  }

  async statusBarText(idOrLabel: string, timeoutMs = 15_000): Promise<string> {
    const item = this.statusBarItem(idOrLabel).first();
    await item.waitFor({ state: 'visible', timeout: timeoutMs });
    return ((await item.textContent()) ?? '').trim();
  }

  /** Notification toasts currently shown: their message, severity and source (e.g. the extension's name). */
  async notifications(): Promise<Toast[]> {
    return this.page.locator('.notification-toast .notification-list-item').evaluateAll((items) =>
      items.map((item) => {
        const icon = item.querySelector('.notification-list-item-icon')?.className ?? '';
        const severity = icon.includes('codicon-error')
          ? 'error'
          : icon.includes('codicon-warning')
            ? 'warning'
            : 'info';
        const text = (el: Element | null) => (el?.textContent ?? '').trim();
        return {
          severity,
          message: text(item.querySelector('.notification-list-item-message')),
          // The source shows only in an expanded toast; the row's aria label always names it.
          source:
            /, source: (.*), notification/.exec(
              item.closest('.monaco-list-row')?.getAttribute('aria-label') ?? '',
            )?.[1] ?? text(item.querySelector('.notification-list-item-source')).replace(/^Source:\s*/, ''),
        } as Toast;
      }),
    );
  }

  /** Saves test-results/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const file = path.join(RESULTS_DIR, name.endsWith('.png') ? name : `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async close(): Promise<void> {
    await this.closeContext().catch(() => undefined);
    if (this.ownBrowser) await this.ownBrowser.close().catch(() => undefined);
  }
}
