/** Collects named checks; the runner prints them and one closing "N passed, N failed" line. */
export class Checks {
  passed = 0;
  failed = 0;
  readonly figures: string[] = [];

  ok(condition: boolean, name: string, detail = ''): boolean {
    if (condition) this.passed++;
    else this.failed++;
    console.log(`${condition ? 'ok' : 'not ok'} - ${name}${detail ? ` (${detail})` : ''}`);
    return condition;
  }

  figure(line: string): void {
    this.figures.push(line);
    console.log(`# ${line}`);
  }
}
