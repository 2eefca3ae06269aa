import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createApp } from '../../src/app.ts'
import { createSimulator } from '../../src/simulator/index.ts'
import { parseConfig } from '../../src/config.ts'
import { defineTool, type Tool } from '../../src/tools/define-tool.ts'
import { ToolDefinitionError, ToolRegistry } from '../../src/tools/registry.ts'

const ok = (name: string, input: z.ZodType = z.object({ q: z.string() })) =>
  defineTool({ name, description: `The ${name} tool`, input, execute: () => 'done' })

function startupError(tools: unknown[]): string {
  try {
    createApp({ config: parseConfig({ UPSTREAM: 'simulator' }), tools: tools as Tool[], fetch: createSimulator().fetch })
  } catch (err) {
    expect(err).toBeInstanceOf(ToolDefinitionError)
    return (err as Error).message
  }
  throw new Error('createApp accepted the tools')
}

describe('tool definitions are checked when the app is created', () => {
  it('converts the zod schema with z.toJSONSchema, keeping descriptions, enums, defaults and bounds', () => {
    const registry = new ToolRegistry([
      ok(
        'get_weather',
        z.object({
          city: z.string().describe('City name'),
          unit: z.enum(['c', 'f']).default('c'),
          days: z.number().int().min(1).max(7).optional(),
        }),
      ),
    ])
    expect(registry.definition('get_weather')).toEqual({
      name: 'get_weather',
      description: 'The get_weather tool',
      input_schema: {
        type: 'object',
        properties: {
          city: { type: 'string', description: 'City name' },
          unit: { type: 'string', enum: ['c', 'f'], default: 'c' },
          days: { type: 'integer', minimum: 1, maximum: 7 },
        },
        required: ['city'],
      },
    })
    expect(registry.names).toEqual(['get_weather'])
  })

  it.each([
    ['a duplicate name', [ok('search'), ok('search')], 'Tool "search" (tools[1]): duplicate name'],
    [
      'a name with a space',
      [ok('web search')],
      'Tool "web search" (tools[0]): invalid name; Claude accepts 1-64 letters, digits, "_" or "-"',
    ],
    ['a name over 64 characters', [ok('x'.repeat(65))], `Tool "${'x'.repeat(65)}" (tools[0]): invalid name`],
    [
      'a date in the schema',
      [ok('when', z.object({ at: z.date() }))],
      'Tool "when" (tools[0]): the input schema cannot be converted to JSON Schema (Date cannot be represented in JSON Schema)',
    ],
    [
      'a custom type',
      [ok('blob', z.object({ x: z.custom<Uint8Array>() }))],
      'Tool "blob" (tools[0]): the input schema cannot be converted to JSON Schema (Custom types cannot be represented',
    ],
    [
      'a non-object schema',
      [ok('echo', z.string())],
      'Tool "echo" (tools[0]): the input schema must be an object (z.object({ … })), got "string"',
    ],
    [
      'a plain object instead of defineTool',
      [{ name: 'raw', description: 'x', input: z.object({}), execute: () => 1 }],
      'Tool "raw" (tools[0]): not a tool; create it with defineTool',
    ],
    [
      'a missing description',
      [defineTool({ name: 'quiet', description: ' ', input: z.object({}), execute: () => 1 })],
      'Tool "quiet" (tools[0]): missing description',
    ],
    [
      'a zero timeout',
      [defineTool({ name: 'rush', description: 'x', input: z.object({}), execute: () => 1, timeoutMs: 0 })],
      'Tool "rush" (tools[0]): timeoutMs must be a positive number',
    ],
    [
      'a schema that is not zod',
      [defineTool({ name: 'json', description: 'x', input: { type: 'object' } as unknown as z.ZodObject, execute: () => 1 })],
      'Tool "json" (tools[0]): input must be a zod 4 schema',
    ],
  ])('refuses %s, naming the tool and the problem', (_what, tools, message) => {
    expect(startupError(tools)).toContain(message)
  })

  it('the deployable Worker starts with its two demo tools', async () => {
    const { demoTools } = await import('../../src/tools/demo/index.ts')
    const registry = new ToolRegistry([...demoTools])
    expect(registry.names).toEqual(['current_time', 'calculator'])
  })
})
