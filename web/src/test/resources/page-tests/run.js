import { run } from './harness.js';
import { loadLanguage } from '/halley-web/i18n.js';
import './state.test.js';
import './handlers.test.js';
import './outbox.test.js';
import './rendering.test.js';

await loadLanguage('en');
await run();
