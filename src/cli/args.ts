/** Parses `--name value` and `--flag` arguments. */
export function parseArgs(argv: string[]): { flags: Set<string>; options: Map<string, string> } {
  const flags = new Set<string>();
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) continue;
    const name = arg.slice(2);
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      options.set(name, next);
      i++;
    } else flags.add(name);
  }
  return { flags, options };
}
