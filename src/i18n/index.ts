import { IntlMessageFormat } from 'intl-messageformat';
import { de } from './de/index.js';
import { en } from './en/index.js';
import { contextLocale } from './locale-context.js';
import { defaultLocale, type Locale } from './locales.js';

export { defaultLocale, isLocale, locales, negotiateLocale, type Locale } from './locales.js';

export type MessageKey = keyof typeof en;
export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

/** Every locale has every key: a German catalogue missing one does not compile (src/i18n/de/index.ts). */
export const catalogues: Record<Locale, Record<MessageKey, string>> = { en, de };

/**
 * All user-visible text comes from the catalogue, written in ICU MessageFormat (`{name}`,
 * `{count, plural, one {# member} other {# members}}`), compiled once per key and locale.
 * Markup in a message is text (`ignoreTag`); templates escape what they print.
 */
function buildTranslator(locale: Locale): Translate {
  const messages = catalogues[locale];
  const compiled = new Map<MessageKey, IntlMessageFormat>();
  // Plain text needs no formatting; anything with ICU syntax (arguments, quoted braces) does. Known once per key:
  // a board asks for the status names a thousand times.
  const plain = new Map<MessageKey, string | null>();
  // Messages formatted with numbers only (counts: a feed asks for "3 likes" on every post), by key and numbers: the
  // formatter costs microseconds a call, a page of posts and comments some tens of calls.
  const counted = new Map<string, string>();
  return (key, params) => {
    const countKey = params ? numbersOnlyKey(key, params) : null;
    if (countKey !== null) {
      const known = counted.get(countKey);
      if (known !== undefined) return known;
      const text = formatted(key, params);
      if (counted.size >= COUNTED_KEPT) counted.clear();
      counted.set(countKey, text);
      return text;
    }
    return formatted(key, params);
  };

  function formatted(key: MessageKey, params: Params | undefined): string {
    const known = plain.get(key);
    if (known && !params) return known;
    const template = messages[key] ?? en[key];
    if (template === undefined) return key;
    if (known === undefined) plain.set(key, template.includes('{') ? null : template);
    if (!params && !template.includes('{')) return template;
    let format = compiled.get(key);
    if (!format) {
      format = new IntlMessageFormat(template, locale, undefined, { ignoreTag: true });
      compiled.set(key, format);
    }
    try {
      return String(format.format(params ?? {}));
    } catch {
      // A missing parameter must not break a page: its placeholder stays visible, as a bug to see.
      return template;
    }
  }
}

/** How many number-only messages a translator keeps formatted. */
const COUNTED_KEPT = 5000;

/** The key of a message formatted with these numbers, or null when a parameter is not a number. */
function numbersOnlyKey(key: MessageKey, params: Params): string | null {
  let id: string = key;
  for (const name in params) {
    const value = params[name];
    if (typeof value !== 'number') return null;
    id += `\u0000${name}=${value}`;
  }
  return id;
}

const translators = new Map<Locale, Translate>();

/** The translator of one locale (mail to a recipient, a job): built once, shared. */
export function translator(locale: Locale = defaultLocale): Translate {
  let tr = translators.get(locale);
  if (!tr) {
    tr = buildTranslator(locale);
    translators.set(locale, tr);
  }
  return tr;
}

/** The language of the request being served (locale-context.ts), else the default. */
export function currentLocale(): Locale {
  return contextLocale() ?? defaultLocale;
}

/**
 * Translates in the current request's language. Call it when the text is needed (in a handler, a
 * schema's error callback), never at import: a message built when a module loads would be English
 * for everyone.
 */
export const t: Translate = (key, params) => {
  const locale = contextLocale();
  if (locale === undefined) outsideRequest++;
  return translator(locale ?? defaultLocale)(key, params);
};

let outsideRequest = 0;

/** How often `t` ran outside a request (tests: importing a module must not build any message). */
export function messagesBuiltOutsideRequest(): number {
  return outsideRequest;
}
