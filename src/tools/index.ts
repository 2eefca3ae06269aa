export { defineTool, ToolError, DEFAULT_TOOL_TIMEOUT_MS, type Tool, type ToolOptions, type ToolContext } from './define-tool.ts'
export { ToolRegistry, ToolDefinitionError } from './registry.ts'
export { repairHistory } from './repair-history.ts'
export {
  runToolLoop,
  type StepRunner,
  type StepResult,
  type ToolLoopOptions,
  type ToolLoopResult,
  type LoopStep,
  type ModelStep,
  type LoopStopReason,
} from './tool-loop.ts'
export type { ToolStep, ToolCallOutcome } from './run-tool-call.ts'
export type { ActiveTools } from './active-tools.ts'
export { calculator, currentTime, demoTools } from './demo/index.ts'
