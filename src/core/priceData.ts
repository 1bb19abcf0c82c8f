// Which bundled price data Tiered ships, and when it was published: shown next to every bundled
// price so the user can judge how fresh it is. A unit test fails when the installed package
// version differs, so an upgrade cannot leave a stale date behind.

export const BUNDLED_PRICE_DATA = {
  package: '@pydantic/genai-prices',
  version: '0.1.8',
  /** npm publish date of that version (YYYY-MM-DD). */
  date: '2026-09-23',
} as const;
