import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vite';

/** `vite dev` talks to an appliance on this machine; in production the appliance serves the app itself. */
const appliance = process.env.APPLIANCE_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [
    sveltekit(),
    SvelteKitPWA({
      registerType: 'prompt',
      // src/lib/pwa/update.ts registers the worker, so the update is offered in the app's own words.
      injectRegister: false,
      manifest: {
        name: '家政服务网络 坐席台',
        short_name: '坐席台',
        description: '家政服务网络中心 call-taker and supervisor console',
        lang: 'zh-CN',
        // Relative to the manifest: the appliance serves the app at `/`, the hub at `/console/`.
        start_url: './',
        scope: './',
        display: 'standalone',
        background_color: '#f4f6f8',
        theme_color: '#0f5c8c',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['client/**/*.{js,css,html,ico,png,svg,webmanifest}', 'prerendered/**/*.html'],
        // A new worker waits until the user accepts the update (SKIP_WAITING from the prompt): never mid-call.
        skipWaiting: false,
        // The first worker controls the open page at once, so the shell is offline-ready without a reload.
        clientsClaim: true,
        cleanupOutdatedCaches: true,
        // navigateFallback is left unset on purpose: @vite-pwa/sveltekit then uses the adapter's fallback
        // (index.html, precached through `kit.spa`), so a deep link opens offline; '/' would break that.
        // Never answer the appliance's API or its sockets with the shell: live data or an honest failure.
        navigateFallbackDenylist: [/^\/api\//, /^\/ws\//, /^\/(?:sync|yjs|healthz|health|metrics)(?:\/|$)/],
        runtimeCaching: [],
      },
      kit: { adapterFallback: 'index.html', spa: true },
      devOptions: { enabled: false },
    }),
  ],
  server: {
    proxy: {
      '/api': { target: appliance, changeOrigin: true },
      '/ws': { target: appliance.replace(/^http/, 'ws'), ws: true, changeOrigin: true },
    },
  },
});
