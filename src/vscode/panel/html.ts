// The panel page. No 'vscode' import, so the browser test loads exactly this page. Nothing in it
// comes from the ledger or settings: data only arrives by postMessage, so nothing can be injected.
import { randomBytes } from 'node:crypto';

export interface PanelHtmlOptions {
  /** webview.cspSource */
  cspSource: string;
  /** URI of dist/webview.js as the webview sees it. */
  scriptUri: string;
  /** URI of media/panel.css as the webview sees it. */
  styleUri: string;
  /** A fresh one per load (newNonce()). */
  nonce: string;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * The CSP: nothing by default; our script by nonce; our stylesheet from the extension. The
 * @vscode-elements components style their shadow roots with constructable stylesheets
 * (adoptedStyleSheets), which CSP does not block, so no 'unsafe-inline' is needed.
 */
export function contentSecurityPolicy(o: Pick<PanelHtmlOptions, 'cspSource' | 'nonce'>): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${o.nonce}'`,
    `style-src ${o.cspSource} 'nonce-${o.nonce}'`,
    `img-src ${o.cspSource} data:`,
    `font-src ${o.cspSource}`,
  ].join('; ');
}

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function panelHtml(o: PanelHtmlOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(o))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(o.styleUri)}" nonce="${attr(o.nonce)}">
<title>Tiered spend</title>
</head>
<body>
<div id="app"></div>
<script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>
`;
}
