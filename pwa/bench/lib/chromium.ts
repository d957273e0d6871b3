// Headless /usr/bin/chromium through playwright-core, with the flags the end-to-end tests use
// (test/src/support/browser.ts).
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const args = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function checkChromium(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium fonts-noto-cjk\``);
}

/** `exposeGc`: pages get `gc()`, to collect a fixture's garbage before timing begins. */
export async function launchChromium(options: { exposeGc?: boolean } = {}): Promise<Browser> {
  checkChromium();
  return chromium.launch({
    executablePath: CHROMIUM,
    args: options.exposeGc === true ? [...args, '--js-flags=--expose-gc'] : args,
  });
}

/** A browser whose profile (service workers, Cache Storage, IndexedDB) lives in `userDataDir`. */
export async function launchProfile(userDataDir: string): Promise<BrowserContext> {
  checkChromium();
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args,
    viewport: { width: 1366, height: 768 },
  });
}
