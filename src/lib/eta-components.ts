import { Eta, type EtaConfig } from 'eta';

/** Eta's generated include: the included template gets a copy of every key of its includer's data, plus its own. */
const COPYING_INCLUDE = 'let include = (__eta_t, __eta_d) => this.render(__eta_t, {...it, ...(__eta_d ?? {})}, options);';
const CHOOSING_INCLUDE = 'let include = (__eta_t, __eta_d) => this.includeTemplate(__eta_t, it, __eta_d, options);';

/** Templates under views/components/ are components: small, self-contained, called with what they need. */
export const COMPONENTS_DIR = '/components/';

type TemplateFunction = (this: Eta, data: object, options: object) => string;
interface RenderOptions {
  filepath: string;
  async?: boolean;
}

/**
 * Eta, except that
 * - a component sees only the parameters its include passes. Eta copies the includer's whole data (the page's
 *   forty-odd keys) into every include, about 1 µs each; a board's cards and a list's rows include components
 *   hundreds of times per page. A component never depends on what its caller happens to hold: each states its
 *   parameters (and gets `t` passed like any other). Partials and layouts still see their includer's data, as in Eta.
 * - with templates cached (production), an include calls the compiled template it named the first time. Eta's
 *   render resolved the path, looked the template up and copied the options on every include: 9 % of a board's
 *   CPU (issue 16).
 */
export class ComponentEta extends Eta {
  /** By includer's file, then by the name it includes: the compiled template and the options it runs with. */
  private readonly included = new Map<string, Map<string, { fn: TemplateFunction; options: RenderOptions }>>();

  constructor(config: Partial<EtaConfig>) {
    super({ ...config, plugins: [...(config.plugins ?? []), { processFnString: chooseIncludeData }] });
  }

  includeData(template: string, includer: object, own: object | undefined): object {
    if (template.startsWith(COMPONENTS_DIR)) return own ?? {};
    // A partial handed its includer's own data (`include(…, it)`, a feed entry's body, comments and poll) gets it as
    // it is: a copy would hold the same values, at twice the keys' writes (no template writes to its data).
    if (own === includer) return includer;
    return { ...includer, ...own };
  }

  includeTemplate(template: string, includer: object, own: object | undefined, options: RenderOptions): string {
    const data = this.includeData(template, includer, own);
    if (!this.config.cache || options.async) return this.render(template, data, options);
    const from = options.filepath;
    let byName = this.included.get(from);
    if (byName === undefined) {
      byName = new Map();
      this.included.set(from, byName);
    }
    const known = byName.get(template);
    if (known) return known.fn.call(this, data, known.options);
    // The first time through Eta itself: it checks the path, compiles and caches the template.
    const html = this.render(template, data, options);
    const filepath = this.resolvePath?.(template, options);
    const fn = filepath ? (this.templatesSync.get(filepath) as TemplateFunction | undefined) : undefined;
    if (fn) byName.set(template, { fn, options: { ...options, async: false, filepath } });
    return html;
  }
}

function chooseIncludeData(fnString: string): string {
  // An Eta upgrade that changes the generated code must fail loudly, not render differently.
  if (!fnString.includes(COPYING_INCLUDE)) throw new Error('eta-components: the compiled template no longer has the include this replaces');
  return fnString.replace(COPYING_INCLUDE, CHOOSING_INCLUDE);
}
