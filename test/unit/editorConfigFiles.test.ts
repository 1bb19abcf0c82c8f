// VS Code's own configuration files are never sent to a model (issue 10, item 9): which paths and
// schemes count, and which ordinary project files must not.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isEditorConfigFile, userDirOf } from '../../src/core/exclude';

describe('isEditorConfigFile', () => {
  test('the settings schemes are always excluded, whatever the path', () => {
    assert.equal(isEditorConfigFile('/User/settings.json', 'vscode-userdata'), true);
    assert.equal(isEditorConfigFile('/defaultSettings.json', 'vscode-settings'), true);
    assert.equal(isEditorConfigFile('/anything/at/all.ts', 'VSCODE-USERDATA'), true);
  });

  test("the user data dir's settings, keybindings, tasks, mcp, snippets and profiles", () => {
    for (const p of [
      '/home/dev/.config/Code/User/settings.json',
      '/home/dev/.config/Code/User/keybindings.json',
      '/home/dev/.config/Code/User/tasks.json',
      '/home/dev/.config/Code/User/mcp.json',
      '/home/dev/.local/share/code-server/User/settings.json',
      '/home/dev/.config/Code/User/snippets/typescript.json',
      '/home/dev/.config/Code/User/snippets/mine.code-snippets',
      '/home/dev/.config/Code/User/profiles/-4a1b2c/settings.json',
      '/home/dev/.config/Code/User/profiles/-4a1b2c/snippets/go.json',
      'C:\\Users\\dev\\AppData\\Roaming\\Code\\User\\settings.json',
      '/Users/dev/Library/Application Support/Code/User/keybindings.json',
    ]) {
      assert.equal(isEditorConfigFile(p), true, p);
    }
  });

  test('anything under a .vscode folder, workspace files, snippets and exported profiles anywhere', () => {
    for (const p of [
      '/repo/.vscode/settings.json',
      '/repo/.vscode/launch.json',
      '/repo/.vscode/tasks.json',
      '/repo/.vscode/extensions.json',
      '/repo/.vscode/mcp.json',
      '/repo/.vscode/notes.md',
      'C:\\repo\\.vscode\\settings.json',
      '/repo/app.code-workspace',
      '/repo/team.code-snippets',
      '/home/dev/Work.code-profile',
    ]) {
      assert.equal(isEditorConfigFile(p), true, p);
    }
  });

  test('everything under the known user dir', () => {
    const userDir = '/tmp/ud/User';
    assert.equal(isEditorConfigFile('/tmp/ud/User/globalStorage/storage.json', undefined, userDir), true);
    assert.equal(isEditorConfigFile('/tmp/ud/User/sync/whatever.txt', undefined, userDir), true);
    assert.equal(isEditorConfigFile('/tmp/ud/Userland/x.ts', undefined, userDir), false);
    assert.equal(isEditorConfigFile('/tmp/ud/User', undefined, userDir), false);
  });

  test('ordinary project files stay in, also in folders named user, snippets or profiles', () => {
    for (const p of [
      '/repo/src/app.ts',
      '/repo/settings.json',
      '/repo/config/settings.json',
      '/repo/tasks.json',
      '/repo/src/user/index.ts',
      '/repo/src/user/profiles/view.ts',
      '/home/user/project/profiles/a.ts',
      '/home/user/project/snippets/a.json',
      '/repo/vscode/settings.json',
      '/repo/.vscode',
    ]) {
      assert.equal(isEditorConfigFile(p, 'file'), false, p);
    }
  });
});

describe('userDirOf', () => {
  test("finds the User folder above an extension's global storage", () => {
    assert.equal(userDirOf('/home/dev/.config/Code/User/globalStorage/tiered.tiered'), '/home/dev/.config/Code/User');
    assert.equal(
      userDirOf('C:\\Users\\dev\\AppData\\Roaming\\Code\\User\\globalStorage\\tiered.tiered'),
      'C:/Users/dev/AppData/Roaming/Code/User',
    );
    assert.equal(userDirOf('/srv/storage/tiered'), undefined);
  });
});
