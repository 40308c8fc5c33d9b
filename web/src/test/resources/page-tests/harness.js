// A very small test runner for the page's modules in a real browser: test(name, fn) registers,
// run() runs them in order and leaves the results in window.results for the Java side
// (PageModulesBrowserIT). No dependencies.
const tests = [];

export function test(name, fn) { tests.push({ name, fn }); }

export function eq(actual, expected, what = '') {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what ? what + ': ' : ''}expected ${e}, got ${a}`);
}

export function ok(value, what) {
  if (!value) throw new Error(`expected true: ${what}`);
}

export async function run() {
  const results = [];
  for (const t of tests) {
    try {
      await t.fn();
      results.push({ name: t.name, ok: true });
    } catch (e) {
      results.push({ name: t.name, ok: false, error: String(e && e.stack || e) });
    }
  }
  window.results = results;
}
