import { writable, type Readable } from 'svelte/store';
import { registerSW } from 'virtual:pwa-register';

export type UpdateState = { needRefresh: boolean; offlineReady: boolean };

const state = writable<UpdateState>({ needRefresh: false, offlineReady: false });
let apply: ((reloadPage?: boolean) => Promise<void>) | undefined;

/**
 * Registers the service worker (injectRegister is off in vite.config.ts). A new version waits: the user is
 * offered it (UpdatePrompt.svelte) and the console holds the offer back while a call is on screen.
 */
export function registerServiceWorker(): void {
  if (apply === undefined && typeof navigator !== 'undefined' && 'serviceWorker' in navigator) {
    apply = registerSW({
      immediate: true,
      onNeedRefresh: () => state.update((s) => ({ ...s, needRefresh: true })),
      onOfflineReady: () => state.update((s) => ({ ...s, offlineReady: true })),
    });
  }
}

export const updateState: Readable<UpdateState> = { subscribe: state.subscribe };

/** The user chose to update: the waiting worker takes over and the page reloads. */
export async function applyUpdate(): Promise<void> {
  await apply?.(true);
}

export function dismissUpdate(): void {
  state.set({ needRefresh: false, offlineReady: false });
}
