// Invalid settings in a real VS Code: named once, the last valid configuration stays in force.
import { hostSpecSuite } from './specSuite';

hostSpecSuite('settings validation in a real VS Code', 'settings', { files: { 'a.md': '# notes\n' }, passing: 3 });
