/**
 * The pages' one stylesheet, served from the server itself (`/assets/latchkey.css`): no external
 * asset, and a Content-Security-Policy that allows styles from 'self' only.
 */
export const STYLESHEET_PATH = '/assets/latchkey.css';

export const stylesheet = `
:root {
  --ink: #1d1c1d; --muted: #616061; --line: #dddddd; --paper: #ffffff; --wash: #f4ede4;
  --brand: #4a154b; --accent: #007a5a; --accent-ink: #ffffff; --danger: #b3261e;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: var(--wash);
}
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: flex; flex-direction: column; align-items: center; }
header.brand { width: 100%; padding: 20px 24px; display: flex; align-items: center; gap: 10px;
  font-weight: 700; font-size: 18px; color: var(--brand); }
header.brand .mark { width: 28px; height: 28px; border-radius: 7px; background: var(--brand);
  color: #fff; display: grid; place-items: center; font-size: 16px; }
main { width: 100%; max-width: 460px; padding: 0 16px 48px; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 12px;
  padding: 32px 28px; box-shadow: 0 1px 3px rgba(0,0,0,.06); }
h1 { font-size: 22px; line-height: 1.3; margin: 0 0 16px; }
p.lead { color: var(--muted); margin: 0 0 24px; line-height: 1.5; }
label { display: block; font-weight: 600; font-size: 15px; margin: 16px 0 6px; }
input[type=email], input[type=password] { width: 100%; font: inherit; padding: 11px 12px;
  border: 1px solid #bbbbbb; border-radius: 6px; }
input:focus-visible, button:focus-visible { outline: 3px solid rgba(29,155,209,.5); outline-offset: 1px; }
button { font: inherit; font-weight: 700; border-radius: 6px; padding: 11px 18px; cursor: pointer;
  border: 1px solid transparent; }
button.primary { background: var(--accent); color: var(--accent-ink); }
button.primary:hover { background: #148567; }
button.secondary { background: var(--paper); color: var(--ink); border-color: #bbbbbb; }
button.link { background: none; border: none; padding: 0; color: #1264a3; font-weight: 400; }
.stack > button { width: 100%; margin-top: 24px; }
.actions { display: flex; gap: 12px; justify-content: flex-end; margin-top: 28px; }
.alert { border-radius: 6px; padding: 10px 12px; margin: 0 0 16px; background: #fdecea;
  color: var(--danger); border: 1px solid #f5c2bd; }
.workspace { display: flex; align-items: center; gap: 10px; padding: 12px; border: 1px solid var(--line);
  border-radius: 8px; margin-bottom: 20px; }
.workspace .avatar { width: 36px; height: 36px; border-radius: 8px; background: var(--brand); color: #fff;
  display: grid; place-items: center; font-weight: 700; }
.workspace small { display: block; color: var(--muted); }
h2 { font-size: 15px; margin: 20px 0 8px; }
ul.scopes { list-style: none; padding: 0; margin: 0; border: 1px solid var(--line); border-radius: 8px; }
ul.scopes li { padding: 10px 12px; border-top: 1px solid var(--line); line-height: 1.4; }
ul.scopes li:first-child { border-top: none; }
ul.scopes code { font-size: 12px; color: var(--muted); display: block; }
.footnote { color: var(--muted); font-size: 13px; margin-top: 16px; text-align: center; }
.footnote form { display: inline; }
pre { white-space: pre-wrap; word-break: break-all; background: #f8f8f8; border: 1px solid var(--line);
  border-radius: 6px; padding: 12px; font-size: 13px; }
@media (max-width: 480px) { .card { padding: 24px 18px; } .actions { flex-direction: column-reverse; }
  .actions button { width: 100%; } }
`;
