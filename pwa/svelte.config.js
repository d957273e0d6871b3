import adapter from '@sveltejs/adapter-static';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  kit: {
    // A static SPA: the appliance serves build/ at / and answers every page path with index.html.
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: true }),
    // vite-plugin-pwa registers the service worker (src/lib/pwa/), not SvelteKit.
    serviceWorker: { register: false },
  },
};

export default config;
