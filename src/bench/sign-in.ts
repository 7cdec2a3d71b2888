/** Signs in through the real login form (CSRF token from the form, session cookie) and returns the Cookie header. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const form = await fetch(`${baseUrl}/login`);
  const html = await form.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no CSRF token in the login form');
  const cookie = cookieHeader(form.headers.getSetCookie());
  const res = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ _csrf: token, email, password, next: '/' }).toString(),
  });
  const session = cookieHeader(res.headers.getSetCookie());
  if (res.status !== 303 || !session) throw new Error(`sign-in as ${email} failed (${res.status})`);
  return session;
}

function cookieHeader(setCookies: string[]): string {
  return setCookies.map((c) => c.split(';')[0]).join('; ');
}
