// Runs inside the extension host: Tiered activates in a real VS Code, registers every command it
// contributes, and shows its spend in the status bar.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'tiered.tiered';

interface TieredApiView {
  statusBar?: { text: string; visible: boolean };
}

describe('Tiered in a real VS Code', () => {
  let extension: vscode.Extension<TieredApiView | undefined>;
  let api: TieredApiView | undefined;

  before(async () => {
    const found = vscode.extensions.getExtension<TieredApiView | undefined>(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is not loaded`);
    extension = found;
    api = await extension.activate();
  });

  it('activates and returns its API', () => {
    assert.equal(extension.isActive, true);
    assert.ok(api, 'activate() returned nothing: composition failed (see the error notification)');
  });

  it('registers every command it contributes', async () => {
    const contributed: { command: string }[] = extension.packageJSON.contributes?.commands ?? [];
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('shows a visible status bar item with a dollar amount', () => {
    assert.ok(api?.statusBar, 'the API has no statusBar');
    assert.equal(api.statusBar.visible, true);
    assert.match(api.statusBar.text, /\$\d+\.\d{2}/);
  });
});
