export { demoPage } from './demo-page.ts'
export type { DemoPageOptions } from './demo-page.ts'
export { widgetScript } from './widget-script.ts'
export type { WidgetScriptOptions } from './widget-script.ts'
