// Build-time half of the PWA: plain ESM with a .d.mts beside it, because vite.config.ts may only
// import files by their full name (Vite's native config loader does not resolve extensionless .ts).
import { readFileSync } from 'node:fs';
import { VitePWA } from 'vite-plugin-pwa';

export const THEME_COLOR = '#0b6e63';
export const BACKGROUND_COLOR = '#f4f6f8';

/**
 * The production Content-Security-Policy: only Ledger's own files may run or style. It may connect to its own
 * origin and to the sync server a person sets up, which may live elsewhere: any https origin, and http on this
 * machine (a server started with `npm run server`).
 * Styles set through the CSSOM (Svelte's style: directives, Chart.js) are allowed by style-src;
 * a style="" attribute in markup is not, so components must not ship static inline styles.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self' https: http://localhost:* http://127.0.0.1:*",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/**
 * Adds the policy as a <meta> to the built index.html only: the dev server relies on inline scripts for hot reload.
 * @returns {import('vite').Plugin}
 */
function contentSecurityPolicy() {
  return {
    name: 'ledger:content-security-policy',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: () => [
        {
          tag: 'meta',
          attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
          injectTo: 'head-prepend',
        },
      ],
    },
  };
}

/**
 * Stamps the bundle with a build id: LEDGER_BUILD_ID when set (a deploy names its build),
 * otherwise the package version. The id changes the bundle's hash, hence the service
 * worker's precache revision, which is what makes an installed copy offer the update.
 * @returns {import('vite').Plugin}
 */
function buildId() {
  return {
    name: 'ledger:build-id',
    config: () => {
      const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
      return { define: { __LEDGER_BUILD__: JSON.stringify(process.env.LEDGER_BUILD_ID || version) } };
    },
  };
}

/** Everything that makes the production build an installable, offline-first app. */
export function pwaPlugins() {
  return [
    buildId(),
    contentSecurityPolicy(),
    VitePWA({
      registerType: 'prompt',
      // Registration comes from virtual:pwa-register/svelte; an injected inline script would break the CSP.
      injectRegister: false,
      // globPatterns below already precache public/, icons included; listing them again would duplicate entries.
      includeManifestIcons: false,
      manifest: {
        id: '/',
        name: 'Ledger',
        short_name: 'Ledger',
        description: 'An offline-first bank ledger that lives in your browser.',
        lang: 'en',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: THEME_COLOR,
        background_color: BACKGROUND_COLOR,
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The whole app shell, so a reload with no network still starts; source maps stay online-only.
        // The manifest is not listed: the plugin adds it to the precache itself.
        globPatterns: ['**/*.{html,js,css,svg,png,ico,woff,woff2}'],
        // The first install may take the page over (nothing older runs); updates wait for the person.
        clientsClaim: true,
        skipWaiting: false,
        cleanupOutdatedCaches: true,
        navigateFallback: 'index.html',
      },
    }),
  ];
}
