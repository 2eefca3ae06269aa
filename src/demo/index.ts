export { demoPage } from './demo-page.ts'
export type { DemoPageOptions } from './demo-page.ts'
