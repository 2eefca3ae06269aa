/**
 * The demo page's own script (`GET /demo.js`; the page's CSP allows scripts from 'self' only): asks
 * `GET /healthz` what the Worker runs on, shows the "Replies are simulated" banner under the
 * simulator, and gives the widget suggestions that show its features: with the simulator, `[sim …]`
 * directives (docs/simulator.md) make each one call a tool, stream Markdown or a long reply, or fail.
 */

const MARKDOWN = [
  'Here is some **Markdown**, rendered safely:',
  '',
  '- a list with `inline code`',
  '- a [link](https://developers.cloudflare.com/workers/)',
  '',
  '| Alias | Model |',
  '|---|---|',
  '| fast | claude-haiku-5-5 |',
  '| smart | claude-opus-5-5 |',
  '',
  '```ts',
  "const reply = chat.send('Hello')",
  '```',
].join('\n')

/** Label and prompt of each suggestion, with the simulator and with Claude. */
export const DEMO_SUGGESTIONS = {
  simulator: [
    { label: 'What time is it in Tokyo?', prompt: 'What time is it in Tokyo? [sim tool=current_time {"time_zone":"Asia/Tokyo"}]' },
    { label: 'What is (17.5 × 3) / 4?', prompt: 'What is (17.5 × 3) / 4? [sim tool=calculator {"expression":"(17.5 * 3) / 4"}]' },
    { label: 'Show me some Markdown', prompt: `Show me some Markdown [sim text=${JSON.stringify(MARKDOWN)} delay=15]` },
    { label: 'Write a long reply', prompt: 'Write a long reply [sim tokens=1000 delay=5]' },
    { label: 'Fail midway (overloaded)', prompt: 'Fail midway [sim tokens=60 delay=15] [sim error=overloaded_error after=30]' },
  ],
  claude: [
    { label: 'What time is it in Tokyo?', prompt: 'What time is it in Tokyo?' },
    { label: 'What is (17.5 × 3) / 4?', prompt: 'What is (17.5 × 3) / 4?' },
    { label: 'Show me some Markdown', prompt: 'Compare three planets in a short Markdown table, then give one fun fact as a list.' },
    { label: 'Write a long reply', prompt: 'Write a 500-word story about a lighthouse keeper.' },
  ],
}

export const DEMO_JS = `const suggestions = ${JSON.stringify(DEMO_SUGGESTIONS)}
const health = await fetch('/healthz').then((r) => (r.ok ? r.json() : null)).catch(() => null)
if (health) {
  const simulated = health.upstream === 'simulator'
  document.getElementById('simulated').hidden = !simulated
  await customElements.whenDefined('claude-chat')
  for (const chat of document.querySelectorAll('claude-chat')) chat.suggestions = simulated ? suggestions.simulator : suggestions.claude
}
`
