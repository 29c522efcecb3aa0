/** Driving the authorize pages over plain HTTP, as a browser would, without one. */

export interface PageAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export async function getPage(url: string, cookie?: string): Promise<PageAnswer> {
  const response = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

export async function postPage(
  url: string,
  form: Record<string, string>,
  cookie?: string,
): Promise<PageAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie && { cookie }) },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The hidden fields of the first form on a page, decoded. */
export function hiddenFieldsOf(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    const [, name, value] = match as unknown as [string, string, string];
    if (!(name in fields)) fields[name] = decodeEntities(value);
  }
  return fields;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Signs in through the sign-in form; returns the session cookie (`name=value`). */
export async function signIn(
  baseUrl: string,
  next: string,
  email: string,
  password: string,
): Promise<string> {
  const answer = await postPage(`${baseUrl}/oauth/signin`, { next, email, password });
  const setCookie = answer.headers.get('set-cookie');
  if (answer.status !== 303 || !setCookie) throw new Error(`sign-in failed: ${answer.status}`);
  return setCookie.split(';', 1)[0] as string;
}
