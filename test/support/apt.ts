// e2e suites: `ensureAptPackage('nginx')`, `ensureAptPackage('chromium')` return the binary's path,
// install it when running as root, and otherwise throw with the exact apt-get command to run.
export { MissingPackageError, ensureAptPackage, which } from '../../scripts/lib/apt.ts'
