export { gateway, buildGateway, type GatewayOptions } from './gateway.ts'
export { gatewayErrorHandler, gatewayNotFound } from './error-handler.ts'
export { requestBodyLimit } from './request-body-limit.ts'
export type { GatewayEnv, GatewayVariables } from './variables.ts'
