import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { root } from './processes';

export const CHROMIUM = '/usr/bin/chromium';
/** The built PWA the appliance serves (`PWA_DIR`). */
export const pwaDir = join(root, 'pwa', 'build');

/** Builds the PWA when there is no build yet (a fresh clone); a failed build fails the suite. */
export function ensurePwaBuilt(): void {
  if (existsSync(join(pwaDir, 'index.html'))) return;
  const build = spawnSync('npm', ['run', 'build', '-w', '@jiazheng/pwa'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`the PWA build failed:\n${build.stdout}\n${build.stderr}`);
}

/** Real headless Chromium; missing, it says how to install it instead of skipping. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install it with \`apt-get install -y chromium fonts-noto-cjk\` (Debian) and run again`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/** Logs in on the console's login screen (Chinese, the default language) and waits for the console. */
export async function logIn(options: {
  page: Page;
  url: string;
  username: string;
  password: string;
}): Promise<void> {
  const { page, url } = options;
  await page.goto(url);
  await expect.poll(() => page.locator('h2').first().textContent()).toBe('坐席登录');
  await page.getByLabel('用户名').fill(options.username);
  await page.getByLabel('密码').fill(options.password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('screen-pop').waitFor();
}
