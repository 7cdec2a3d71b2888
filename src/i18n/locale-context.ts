import { AsyncLocalStorage } from 'node:async_hooks';
import type { Locale } from './locales.js';

interface LocaleStore {
  locale: Locale;
}

const storage = new AsyncLocalStorage<LocaleStore>();

/**
 * The language of the request being served. The locale plugin opens one store per request (from
 * Accept-Language), the viewer plugin sets the person's saved choice in it; messages that services
 * and schemas build while the request runs read it. Outside a request (jobs, mail to someone else),
 * callers pass a translator for the locale they mean.
 */
export function runWithLocale<T>(locale: Locale, fn: () => T): T {
  return storage.run({ locale }, fn);
}

export function setContextLocale(locale: Locale): void {
  const store = storage.getStore();
  if (store) store.locale = locale;
}

export function contextLocale(): Locale | undefined {
  return storage.getStore()?.locale;
}
