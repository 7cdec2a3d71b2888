import { Eta, type EtaConfig } from 'eta';

/** Eta's generated include: the included template gets a copy of every key of its includer's data, plus its own. */
const COPYING_INCLUDE = 'let include = (__eta_t, __eta_d) => this.render(__eta_t, {...it, ...(__eta_d ?? {})}, options);';
const CHOOSING_INCLUDE = 'let include = (__eta_t, __eta_d) => this.render(__eta_t, this.includeData(__eta_t, it, __eta_d), options);';

/** Templates under views/components/ are components: small, self-contained, called with what they need. */
export const COMPONENTS_DIR = '/components/';

/**
 * Eta, except that a component sees only the parameters its include passes. Eta copies the includer's
 * whole data (the page's forty-odd keys) into every include, about 1 µs each; a board's cards and a
 * list's rows include components hundreds of times per page. A component never depends on what its
 * caller happens to hold: each states its parameters (and gets `t` passed like any other). Partials and
 * layouts still see their includer's data, as in Eta.
 */
export class ComponentEta extends Eta {
  constructor(config: Partial<EtaConfig>) {
    super({ ...config, plugins: [...(config.plugins ?? []), { processFnString: chooseIncludeData }] });
  }

  includeData(template: string, includer: object, own: object | undefined): object {
    if (template.startsWith(COMPONENTS_DIR)) return own ?? {};
    return { ...includer, ...own };
  }
}

function chooseIncludeData(fnString: string): string {
  // An Eta upgrade that changes the generated code must fail loudly, not render differently.
  if (!fnString.includes(COPYING_INCLUDE)) throw new Error('eta-components: the compiled template no longer has the include this replaces');
  return fnString.replace(COPYING_INCLUDE, CHOOSING_INCLUDE);
}
