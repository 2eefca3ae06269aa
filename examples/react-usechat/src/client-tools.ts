// Tools that run in the browser. Claude sees their schema (sent as `client_tools` in every
// request); when it calls one, the gateway ends the turn and the page answers with addToolOutput.

/** Declarations in the gateway's `client_tools` shape: name, description, JSON Schema input. */
export const CLIENT_TOOLS = [
  {
    name: 'get_browser_context',
    description: "The user's time zone, preferred language and local time, read from their browser.",
    input_schema: { type: 'object', properties: {}, additionalProperties: false },
  },
]

/** Runs a client tool by name; undefined when the tool is not ours (the server runs it). */
export function runClientTool(name: string): unknown {
  if (name === 'get_browser_context') {
    return {
      time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      language: navigator.language,
      local_time: new Date().toLocaleString(navigator.language),
    }
  }
  return undefined
}

export const isClientTool = (name: string): boolean => CLIENT_TOOLS.some((tool) => tool.name === name)
