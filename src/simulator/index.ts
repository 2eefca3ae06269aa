export { createSimulator } from './app.ts'
export type {
  RateLimit,
  RateLimitGroup,
  Simulator,
  SimulatorOptions,
  SimulatorRateLimits,
  SimulatorRequestRecord,
} from './types.ts'
export { countTokens } from './tokens.ts'
export { DEFAULT_MODELS } from './models.ts'
export { parseDirectives, DirectiveError, type Directive } from './directives.ts'
export { DEFAULT_RATE_LIMIT_GROUPS, defaultRateLimitGroup, type RateLimitGroupInfo } from './rate-groups.ts'
