// Issue 20 (R-T9): a task with a checklist, then moved on the project's board: by dragging and by
// the keyboard with JavaScript on, by the card's form with it off. Board and timeline are audited.
import type { Page } from 'playwright-core';
import { signInAs, type JourneyContext } from './journeys.js';

const mode = (c: JourneyContext) => (c.js ? 'JS' : 'no-JS');

/** The card of `title` in the board's column `status` (a region named by its heading). */
const cardIn = (page: Page, status: string, title: string) => page.getByRole('region', { name: status, exact: true }).getByRole('listitem').filter({ hasText: title });

export async function boardJourney(c: JourneyContext): Promise<void> {
  const { tally } = c;
  console.log(`# board and timeline, ${mode(c)}`);
  const oscar = await signInAs(c, 'oscar@example.com');
  await oscar.goto(`${c.base}/groups?tab=extranet`);
  await oscar.getByRole('link', { name: /Website relaunch/ }).click();
  const projectUrl = oscar.url();

  // A task with a checklist item, ticked.
  const title = `Plan the launch (${mode(c)} ${Date.now()})`;
  await oscar.goto(`${projectUrl}/tasks`);
  await oscar.getByRole('link', { name: 'New task' }).click();
  await oscar.getByLabel('Title').fill(title);
  await oscar.getByLabel(/^Start date/).fill('2026-12-01');
  await oscar.getByLabel(/^Deadline/).fill('2027-01-31');
  await oscar.getByRole('button', { name: 'Create task' }).click();
  await oscar.getByLabel('New checklist item').fill('Book the venue');
  await oscar.getByRole('button', { name: 'Add item' }).click();
  await oscar.getByRole('button', { name: /Mark done “Book the venue”/ }).click();
  await oscar.getByRole('button', { name: /Mark not done “Book the venue”/ }).waitFor();
  tally.ok((await oscar.getByText('1 of 1 checklist items done').count()) > 0, 'a checklist item is added and ticked');
  await tally.audit(oscar, mode(c));

  await oscar.goto(`${projectUrl}/tasks/timeline`);
  await tally.audit(oscar, `${mode(c)} timeline`);
  tally.ok(await oscar.getByRole('table').getByRole('link', { name: title }).isVisible(), 'the timeline\'s table lists the task');

  await oscar.goto(`${projectUrl}/tasks/board`);
  await tally.audit(oscar, `${mode(c)} board`);
  tally.ok(await cardIn(oscar, 'Pending', title).isVisible(), 'the new task is a card in Pending');
  if (c.js) {
    await cardIn(oscar, 'Pending', title).dragTo(oscar.getByRole('region', { name: 'In progress', exact: true }));
    await cardIn(oscar, 'In progress', title).waitFor();
    await oscar.reload();
    tally.ok(await cardIn(oscar, 'In progress', title).isVisible(), 'a card dragged to In progress stays there');
    const card = cardIn(oscar, 'In progress', title);
    await card.focus();
    await oscar.keyboard.press('ArrowRight');
    await cardIn(oscar, 'Completed', title).waitFor();
    tally.ok(String(await oscar.evaluate('document.activeElement.id')).startsWith('task-') && String(await oscar.evaluate('document.activeElement.textContent')).includes(title), 'the moved card keeps the focus');
    await oscar.locator('#live-region').filter({ hasText: /moved to Completed/ }).waitFor({ state: 'attached', timeout: 3_000 }).catch(() => undefined);
    tally.ok(/moved to Completed/.test(String(await oscar.evaluate('document.getElementById("live-region").textContent'))), 'the move is announced');
    await oscar.reload();
    tally.ok(await cardIn(oscar, 'Completed', title).isVisible(), 'a card moved with the arrow key stays there');
  } else {
    const card = cardIn(oscar, 'Pending', title);
    await card.getByLabel('Move to').selectOption('in_progress');
    await card.getByRole('button', { name: /^Move/ }).click();
    await cardIn(oscar, 'In progress', title).waitFor();
    tally.ok(await oscar.getByText(/moved to In progress/).first().isVisible(), 'the form moves the card and says so (Post/Redirect/Get)');
  }
  await tally.audit(oscar, `${mode(c)} board`);
  await oscar.goto(`${c.base}/tasks/board`);
  await tally.audit(oscar, `${mode(c)} my board`);
}
