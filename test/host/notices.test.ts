// Soft-threshold and cap notices in a real VS Code.
import { hostSpecSuite } from './specSuite';

hostSpecSuite('spend notices in a real VS Code', 'notices', { files: { 'a.md': '# notes\n' }, passing: 2 });
