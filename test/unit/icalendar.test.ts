// R-C2: the iCalendar writer's line folding and escaping (RFC 5545 §3.1, §3.3.11), byte by byte.
import t from 'tap';
import { escapeText, foldLine, utcStamp } from '../../src/lib/icalendar.js';

const unfold = (s: string) => s.replace(/\r\n /g, '');

t.test('folds at 75 octets, continuation lines start with a space, never inside a character', async (t) => {
  const samples = ['A'.repeat(75), 'A'.repeat(76), 'A'.repeat(400), `SUMMARY:${'ü'.repeat(100)}`, `SUMMARY:${'x'.repeat(73)}€€€${'日本語'.repeat(30)}`, `SUMMARY:${'🎉'.repeat(60)}`, `S:${'a🎉'.repeat(50)}`];
  for (const line of samples) {
    const folded = foldLine(line);
    t.equal(unfold(folded), line, 'unfolds to the original');
    const parts = folded.split('\r\n');
    for (const [i, part] of parts.entries()) {
      t.ok(Buffer.byteLength(part) <= 75, `line ${i} of ${line.slice(0, 12)}… is ${Buffer.byteLength(part)} octets`);
      if (i > 0) t.equal(part[0], ' ');
      t.notOk(Buffer.from(part).toString('utf8').includes('\uFFFD'), 'whole UTF-8 characters');
    }
  }
  t.equal(foldLine('A'.repeat(75)), 'A'.repeat(75), 'exactly 75 octets stays one line');
  t.equal(foldLine('A'.repeat(76)), `${'A'.repeat(75)}\r\n A`);
  t.equal(foldLine(`${'x'.repeat(74)}é`), `${'x'.repeat(74)}\r\n é`, 'a two-octet character that would end at octet 76 moves to the next line');
});

t.test('escapes backslash, semicolon, comma and line breaks; drops control characters', async (t) => {
  t.equal(escapeText('a\\b;c,d\ne\r\nf\rg'), 'a\\\\b\\;c\\,d\\ne\\nf\\ng');
  t.equal(escapeText('tab\tstays, bell\u0007 and NUL\u0000 go'), 'tab\tstays\\, bell and NUL go');
  t.equal(escapeText(':"colons and quotes"'), ':"colons and quotes"', 'TEXT does not escape these');
});

t.test('UTC instants', async (t) => {
  t.equal(utcStamp(new Date('2026-03-10T08:00:00.123Z')), '20260310T080000Z');
});
