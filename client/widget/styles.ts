/**
 * Shadow-DOM styles. Every colour and size reads a public `--claude-chat-*` custom property
 * (documented in docs/browser-client.md) with a light and a dark default; nothing leaks to the page.
 */
export const styles = /* css */ `
:host {
  --_font: var(--claude-chat-font, ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  --_mono: var(--claude-chat-mono-font, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
  --_size: var(--claude-chat-font-size, 15px);
  --_bg: var(--claude-chat-bg, #ffffff);
  --_fg: var(--claude-chat-fg, #1c1b1a);
  --_muted: var(--claude-chat-muted, #6b6b6b);
  --_border: var(--claude-chat-border, #e4e1dc);
  --_accent: var(--claude-chat-accent, #ae5630);
  --_accent-fg: var(--claude-chat-accent-fg, #ffffff);
  --_user-bg: var(--claude-chat-user-bg, #f3efe9);
  --_user-fg: var(--claude-chat-user-fg, var(--_fg));
  --_code-bg: var(--claude-chat-code-bg, #f5f4f1);
  --_error-bg: var(--claude-chat-error-bg, #fdecea);
  --_error-fg: var(--claude-chat-error-fg, #8a1c12);
  --_focus: var(--claude-chat-focus, #2563eb);
  --_radius: var(--claude-chat-radius, 14px);
  display: block;
  height: var(--claude-chat-height, 560px);
  max-width: var(--claude-chat-max-width, 760px);
  color: var(--_fg);
  font: var(--_size)/1.55 var(--_font);
}
@media (prefers-color-scheme: dark) {
  :host {
    --_bg: var(--claude-chat-bg, #1c1b1a);
    --_fg: var(--claude-chat-fg, #ecebe8);
    --_muted: var(--claude-chat-muted, #a3a3a3);
    --_border: var(--claude-chat-border, #3a3836);
    --_accent: var(--claude-chat-accent, #d97757);
    --_accent-fg: var(--claude-chat-accent-fg, #1c1b1a);
    --_user-bg: var(--claude-chat-user-bg, #2e2c2a);
    --_code-bg: var(--claude-chat-code-bg, #262524);
    --_error-bg: var(--claude-chat-error-bg, #3a1a17);
    --_error-fg: var(--claude-chat-error-fg, #ffb4a9);
    --_focus: var(--claude-chat-focus, #7aa2ff);
  }
}
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
.chat {
  display: flex; flex-direction: column; height: 100%;
  background: var(--_bg); border: 1px solid var(--_border); border-radius: var(--_radius);
  box-shadow: var(--claude-chat-shadow, 0 1px 2px rgb(0 0 0 / .04), 0 8px 24px rgb(0 0 0 / .06));
  overflow: hidden;
}
header {
  display: flex; align-items: center; justify-content: space-between; gap: 8px;
  padding: 10px 12px 10px 18px; border-bottom: 1px solid var(--_border);
}
h2 { margin: 0; font-size: 1em; font-weight: 600; }
.log {
  flex: 1; overflow-y: auto; padding: 18px; display: flex; flex-direction: column; gap: 16px;
  overscroll-behavior: contain; scroll-behavior: smooth;
}
.empty { margin: auto; color: var(--_muted); text-align: center; }
.greeting { margin: 0; }
.suggestions { list-style: none; margin: 14px 0 0; padding: 0; display: flex; flex-wrap: wrap; justify-content: center; gap: 8px; }
.suggestion {
  padding: 6px 12px; font-size: .875em; text-align: left; border-radius: 999px;
  background: var(--_bg); color: var(--_fg); border-color: var(--_border);
}
.suggestion:hover { border-color: var(--_accent); }
.queued { margin: -8px 0 0; font-size: .85em; color: var(--_muted); }
.msg { max-width: 100%; overflow-wrap: anywhere; }
.msg.user {
  align-self: flex-end; max-width: 85%; padding: 8px 14px; white-space: pre-wrap;
  background: var(--_user-bg); color: var(--_user-fg); border-radius: var(--_radius) var(--_radius) 4px var(--_radius);
}
.msg.assistant { align-self: stretch; }
.msg > :first-child, .part > :first-child { margin-top: 0; }
.msg > :last-child, .part > :last-child { margin-bottom: 0; }
.part + .part { margin-top: .75em; }
p, ul, ol, blockquote, pre { margin: 0 0 .75em; }
ul, ol { padding-left: 1.4em; }
li + li { margin-top: .2em; }
blockquote { padding-left: .9em; border-left: 3px solid var(--_border); color: var(--_muted); }
a { color: var(--_accent); text-underline-offset: 2px; }
code { font-family: var(--_mono); font-size: .9em; background: var(--_code-bg); padding: .1em .35em; border-radius: 5px; }
pre { background: var(--_code-bg); padding: 12px 14px; border-radius: 10px; overflow-x: auto; line-height: 1.45; }
pre code { padding: 0; background: none; font-size: .875em; }
.code { position: relative; margin: 0 0 .75em; }
.code pre { margin: 0; }
.copy {
  position: absolute; top: 6px; right: 6px; padding: 2px 8px; font-size: .75em;
  background: var(--_bg); color: var(--_muted); border-color: var(--_border); opacity: 0;
}
.code:hover .copy, .copy:focus-visible { opacity: 1; }
@media (hover: none) { .copy { opacity: 1; } }
.table { overflow-x: auto; margin: 0 0 .75em; }
table { border-collapse: collapse; font-size: .92em; }
th, td { border: 1px solid var(--_border); padding: 5px 10px; text-align: left; vertical-align: top; }
th { background: var(--_code-bg); font-weight: 600; }
.reasoning { color: var(--_muted); font-size: .92em; }
.reasoning summary { cursor: pointer; }
.tool {
  border: 1px solid var(--_border); border-radius: 10px; padding: 8px 12px; font-size: .92em;
}
.tool-head { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.tool-name { font-family: var(--_mono); font-weight: 600; }
.tool-status { color: var(--_muted); }
.tool[data-state="output-error"] .tool-status { color: var(--_error-fg); }
/* Decorative: the alternative text after "/" keeps the marks out of the accessible name. */
.tool[data-state="output-available"] .tool-status::before { content: "✓ " / ""; }
.tool[data-state="output-error"] .tool-status::before { content: "⚠ " / ""; }
.tool details { margin-top: 6px; }
.tool summary { cursor: pointer; color: var(--_muted); }
.tool pre { margin: 6px 0 0; font-size: .95em; white-space: pre-wrap; }
.meta, .flag { margin-top: 6px; font-size: .8em; color: var(--_muted); }
.typing { display: inline-flex; gap: 4px; padding: 6px 0; }
.typing span { width: 6px; height: 6px; border-radius: 50%; background: var(--_muted); animation: blink 1.2s infinite ease-in-out; }
.typing span:nth-child(2) { animation-delay: .15s; }
.typing span:nth-child(3) { animation-delay: .3s; }
@keyframes blink { 0%, 80%, 100% { opacity: .25; } 40% { opacity: 1; } }
@media (prefers-reduced-motion: reduce) { .typing span { animation: none; opacity: .6; } .log { scroll-behavior: auto; } }
.notice {
  margin: 0 18px 12px; padding: 10px 14px; border-radius: 10px;
  background: var(--_error-bg); color: var(--_error-fg); display: flex; gap: 12px; align-items: center;
}
.notice p { margin: 0; flex: 1; }
.notice .ref { display: block; font-size: .85em; opacity: .8; }
form { border-top: 1px solid var(--_border); padding: 12px; }
.row { display: flex; gap: 8px; align-items: flex-end; }
textarea {
  flex: 1; resize: none; min-height: 44px; max-height: 180px; padding: 10px 12px;
  font: inherit; color: inherit; background: var(--_bg);
  border: 1px solid var(--_border); border-radius: 10px;
}
textarea::placeholder { color: var(--_muted); }
button {
  font: inherit; cursor: pointer; border-radius: 10px; border: 1px solid transparent;
  display: inline-flex; align-items: center; justify-content: center; gap: 6px;
}
button:disabled { cursor: not-allowed; opacity: .5; }
.send, .stop { height: 44px; min-width: 44px; padding: 0 14px; font-weight: 600; }
.send { background: var(--_accent); color: var(--_accent-fg); }
.stop { background: var(--_bg); color: var(--_fg); border-color: var(--_border); }
.ghost { background: none; color: var(--_muted); padding: 6px 10px; font-size: .875em; border-color: var(--_border); }
.notice button { background: var(--_bg); color: var(--_fg); border-color: currentColor; padding: 4px 10px; font-size: .875em; }
[hidden] { display: none !important; }
svg { width: 16px; height: 16px; flex: none; }
.foot { display: flex; align-items: center; gap: 8px; }
.hint { margin: 6px 2px 0; font-size: .78em; color: var(--_muted); }
.regenerate { margin: 6px 0 0 auto; padding: 2px 8px; font-size: .8em; }
@media (hover: none), (pointer: coarse) { .hint { display: none; } }
/* Phones: the transcript keeps the screen (compact header, notice and input). */
@media (max-width: 520px) {
  header { padding: 4px 6px 4px 12px; }
  .log { padding: 12px; gap: 12px; }
  .msg.user { max-width: 92%; }
  .notice { margin: 0 8px 8px; padding: 6px 10px; gap: 8px; font-size: .85em; }
  .notice .ref { display: inline; margin-left: .4em; }
  form { padding: 8px; }
  textarea { max-height: 120px; }
}
:focus { outline: none; }
:focus-visible, textarea:focus { outline: 2px solid var(--_focus); outline-offset: 2px; }
.sr-only {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
/* Replies (assistant-message.ts, render-markdown.ts, highlight.ts): code blocks with a language
   label, Copy and highlighting; a finished reply's actions; files. Token colours meet WCAG AA on
   the default code background. */
:host { --_tk1: #cf222e; --_tk2: #0a3069; --_tk3: #57606a; --_tk4: #0550ae; --_tk5: #6639ba; --_tk6: #953800; --_tk7: #116329; --_tk8: #82071e; }
@media (prefers-color-scheme: dark) {
  :host { --_tk1: #ff7b72; --_tk2: #a5d6ff; --_tk3: #8b949e; --_tk4: #79c0ff; --_tk5: #d2a8ff; --_tk6: #ffa657; --_tk7: #7ee787; --_tk8: #ffa198; }
}
.code { background: var(--_code-bg); border-radius: 10px; }
.code-head { display: flex; align-items: center; gap: 8px; min-height: 28px; padding: 4px 6px 0 14px; font-size: .75em; color: var(--_muted); }
.code-lang { font-family: var(--_mono); }
.code pre { padding-top: 4px; }
.code .copy, .msg-actions .copy { position: static; opacity: 1; margin-left: auto; }
.code .copy { font-size: 1em; }
.msg-actions { display: flex; align-items: center; gap: 10px; margin-top: 6px; }
.msg-actions .copy { margin: 0; font-size: .8em; }
.msg-actions .meta { margin: 0; }
.file { font-size: .92em; color: var(--_muted); }
.tk-kwd { color: var(--_tk1); }
.tk-str, .tk-esc { color: var(--_tk2); }
.tk-cmnt { color: var(--_tk3); font-style: italic; }
.tk-num, .tk-bool, .tk-section { color: var(--_tk4); }
.tk-func { color: var(--_tk5); }
.tk-class, .tk-type, .tk-var { color: var(--_tk6); }
.tk-insert { color: var(--_tk7); }
.tk-deleted, .tk-err { color: var(--_tk8); }
`
