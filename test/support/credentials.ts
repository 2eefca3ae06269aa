// Test-only credentials (never used outside tests). Plain constants so vitest.config.ts, which
// runs in Node, can bind them into the Worker under test.

/** The client key every `makeApp()` request carries unless it sends its own credential. */
export const TEST_CLIENT_KEY = 'ce_sk_test_PWXX_I0rQ5_A4WXQImrEtPsCRH5vnFyx'
/** SHA-256 of TEST_CLIENT_KEY (a test checks they agree). */
export const TEST_CLIENT_KEY_SHA256 = 'f2532e93de3069b4ff6d75c8389248d86c26796afc2bb60e84ecc1c556e44fd7'
/** CLIENT_KEYS holding only the test key, id `test`. */
export const TEST_CLIENT_KEYS = JSON.stringify([{ id: 'test', sha256: TEST_CLIENT_KEY_SHA256 }])
export const TEST_SESSION_SECRET = 'test-session-secret-hFCz1ZAMcgyL2Atza4-Id70x'
