// Target 2: offline cold start to an interactive console. A real appliance serves the built PWA; in a
// Chromium profile the admin logs in, the service worker takes control, then the browser goes offline
// and the appliance stops. Measured with the page's own clock, from navigation start, each time:
//   - a new tab in the running browser (the service worker may still be running), and
//   - the browser restarted on the same profile (a new Chromium process: the worker starts from disk).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BrowserContext, Page } from 'playwright-core';
import { freePort, spawnAppliance, stopProc, urlOf, type Proc } from '../lib/appliance';
import { launchProfile } from '../lib/chromium';
import { log, stats, type Stats } from '../lib/report';

const ADMIN_PASSWORD = 'bench-admin-password';

/**
 * Runs in every page before its own scripts: notes when the screen pop is laid out and visible and when
 * the workspace's tab bar (the lazily loaded `Workspace.svelte`) is in the DOM, then the next animation
 * frame after both (the frame that paints them): that is "interactive".
 */
const PROBE = `(() => {
  const state = { pop: null, tabs: null, ready: null };
  Object.defineProperty(window, '__coldStart', { value: state });
  const check = () => {
    const now = performance.now();
    if (state.pop === null) {
      const pop = document.querySelector('[data-testid="screen-pop"]');
      if (pop !== null && pop.getClientRects().length > 0 && getComputedStyle(pop).visibility !== 'hidden')
        state.pop = now;
    }
    if (state.tabs === null && document.querySelector('[data-testid="tab-call"]') !== null) state.tabs = now;
    if (state.pop !== null && state.tabs !== null) {
      observer.disconnect();
      requestAnimationFrame(() => (state.ready = performance.now()));
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, attributes: true });
})();`;

export type Sample = {
  /** index.html answered (by the service worker). */
  document: number;
  pop: number;
  tabs: number;
  ready: number;
  /** Wall clock in the bench process around `goto` and the wait. */
  wall: number;
};

export type ColdStartResult = {
  newTab: { samples: Sample[]; ready: Stats };
  restarted: { samples: Sample[]; ready: Stats };
};

async function measureOnce(context: BrowserContext, url: string): Promise<Sample> {
  const page = await context.newPage();
  try {
    const t = performance.now();
    await page.goto(url, { waitUntil: 'commit', timeout: 30_000 });
    const ready = await waitReady(page);
    const wall = performance.now() - t;
    const document = await page.evaluate<number>(
      `performance.getEntriesByType('navigation')[0]?.responseEnd ?? NaN`,
    );
    return { ...ready, document, wall };
  } finally {
    await page.close();
  }
}

async function waitReady(page: Page): Promise<{ pop: number; tabs: number; ready: number }> {
  try {
    const handle = await page.waitForFunction(
      `window.__coldStart?.ready != null ? { ...window.__coldStart } : null`,
      undefined,
      { timeout: 30_000 },
    );
    return (await handle.jsonValue()) as { pop: number; tabs: number; ready: number };
  } catch (error) {
    const text = await page
      .evaluate('document.body?.innerText ?? ""')
      .then((t) => String(t).slice(0, 400))
      .catch(() => '(no page text)');
    throw new Error(`the console did not become interactive offline; the page shows:\n${text}`, {
      cause: error,
    });
  }
}

export async function measureColdStart(options: {
  pwaDir: string;
  workDir: string;
  runs: number;
}): Promise<ColdStartResult> {
  const profile = join(options.workDir, 'chromium-profile');
  await mkdir(profile, { recursive: true });
  let appliance: Proc | undefined;
  let context: BrowserContext | undefined;
  try {
    appliance = spawnAppliance({
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(await freePort()),
      COUNTY: '330106',
      DATA_DIR: join(options.workDir, 'appliance'),
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      PWA_DIR: options.pwaDir,
    });
    const url = await urlOf(appliance);
    log(`cold start: appliance at ${url}`);

    // Online, once: log in, and let the service worker install (precache) and take control.
    context = await launchProfile(profile);
    const page = await context.newPage();
    await page.goto(url);
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('screen-pop').waitFor();
    await page.getByTestId('tab-call').waitFor({ state: 'attached', timeout: 30_000 });
    const controlled = 'navigator.serviceWorker.controller !== null';
    try {
      await page.waitForFunction(controlled, undefined, { timeout: 15_000 });
    } catch {
      log('cold start: no service worker in control yet: reloading once');
      await page.reload();
      await page.waitForFunction(controlled, undefined, { timeout: 30_000 });
    }
    await page.close();
    log('cold start: logged in, the service worker controls the app');

    // The outage: the browser offline, the appliance gone.
    await context.setOffline(true);
    await stopProc(appliance);
    await context.addInitScript({ content: PROBE });

    const newTab: Sample[] = [];
    for (let i = 0; i < options.runs; i++) {
      newTab.push(await measureOnce(context, url));
      log(`cold start: new tab ${i + 1}/${options.runs}: ${newTab.at(-1)?.ready.toFixed(0)} ms`);
    }
    await context.close();
    context = undefined;

    const restarted: Sample[] = [];
    for (let i = 0; i < options.runs; i++) {
      context = await launchProfile(profile);
      await context.setOffline(true);
      await context.addInitScript({ content: PROBE });
      restarted.push(await measureOnce(context, url));
      await context.close();
      context = undefined;
      log(`cold start: restarted browser ${i + 1}/${options.runs}: ${restarted.at(-1)?.ready.toFixed(0)} ms`);
    }
    return {
      newTab: { samples: newTab, ready: stats(newTab.map((s) => s.ready)) },
      restarted: { samples: restarted, ready: stats(restarted.map((s) => s.ready)) },
    };
  } catch (error) {
    if (appliance !== undefined) log(`---- appliance output ----\n${appliance.output().slice(-4000)}`);
    throw error;
  } finally {
    await context?.close().catch(() => undefined);
    if (appliance !== undefined) await stopProc(appliance);
  }
}
