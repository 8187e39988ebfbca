/** Set at build time by src/pwa/build/build-id.ts. */
declare const __LEDGER_BUILD__: string;
