/** `claude-edge/models`: the model catalogue, prices and cost, and which models a caller may use. */
export { Catalogue, PRICES_CHECKED_AT, type Alias, type ModelInfo, type PriceOverrides, type PriceTier, type Pricing } from './catalogue.ts'
export { addUsage, costOf, roundUsd, tierFor, toUsage, ZERO_USAGE, type Usage } from './cost.ts'
export { allowedModels, resolveModel } from './resolve-model.ts'
export { modelHandler, modelsHandler } from './routes.ts'
