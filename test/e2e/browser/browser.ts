import { chromium, type Browser } from 'playwright-core'
import { ensureAptPackage } from '../../support/apt.ts'

/**
 * Debian's Chromium, headless (never `npx playwright install`). `CHROMIUM_PATH` overrides;
 * otherwise `chromium` is looked up on PATH and installed with apt-get when running as root.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? ensureAptPackage('chromium')
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}
