import { IntlMessageFormat } from 'intl-messageformat';
import { en } from './en/index.js';

export type MessageKey = keyof typeof en;
export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

const catalogues: Record<string, Record<MessageKey, string>> = { en };

export const defaultLocale = 'en';

/**
 * All user-visible text comes from the catalogue, written in ICU MessageFormat (`{name}`,
 * `{count, plural, one {# member} other {# members}}`), compiled once per key and locale.
 * Markup in a message is text (`ignoreTag`); templates escape what they print.
 */
export function translator(locale: string = defaultLocale): Translate {
  const messages = catalogues[locale] ?? en;
  const compiled = new Map<MessageKey, IntlMessageFormat>();
  return (key, params) => {
    const template = messages[key];
    if (template === undefined) return key;
    // Plain text needs no formatting; anything with ICU syntax (arguments, quoted braces) does.
    if (!params && !template.includes('{') && !template.includes("'{")) return template;
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
  };
}

export const t = translator();
