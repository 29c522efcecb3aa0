import { parseServeConfig, type ServeFlag, serveSettings } from '../config.js';
import { AdjustableClock } from '../domain/clock.js';
import { newSessionToken } from '../domain/secrets.js';
import { createDemoRoutes } from '../http/browser/demo-routes.js';
import { FaultPlan } from '../http/faults.js';
import { createTestControlRoutes, type TestControls } from '../http/test-controls.js';
import { bodyLimitsOf, startLatchkey } from '../main.js';
import { prepareDemo } from './demo.js';
import type { CliIo } from './io.js';
import { type OptionSpecs, parseFlags, usageError } from './usage.js';

const BOOLEAN_FLAGS = new Set(['demo', 'insecure-test-controls', 'trust-proxy']);

const serveOptions = Object.fromEntries(
  Object.keys(serveSettings).map((flag) => [flag, { type: BOOLEAN_FLAGS.has(flag) ? 'boolean' : 'string' }]),
) as Record<ServeFlag, OptionSpecs[string]>;

/**
 * `latchkey serve`: runs until SIGTERM or SIGINT, then stops accepting, drains in-flight requests,
 * closes the store and returns 0.
 */
export async function serve(args: readonly string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args, serveOptions) as Partial<Record<ServeFlag, string | boolean>>;
  const config = parseServeConfig(flags, io.env);
  const demoRoutes = config.demo ? createDemoRoutes(bodyLimitsOf(config)) : undefined;
  const controls = config.testControls ? newTestControls() : undefined;
  const latchkey = await startLatchkey(config, {
    extraRoutes: [
      ...(demoRoutes ? [demoRoutes.route] : []),
      ...(controls ? [createTestControlRoutes(controls, bodyLimitsOf(config))] : []),
    ],
    ...(controls && { clock: controls.clock, faults: controls.faults }),
  });
  if (controls) io.err(testControlsWarning(controls.adminToken));
  if (config.autoApproveUserId !== undefined) {
    const user = await latchkey.domain.store.getUser(config.autoApproveUserId);
    if (!user || user.isBot) {
      await latchkey.close();
      usageError('insecure-auto-approve', `an existing user id ('${config.autoApproveUserId}' is unknown)`);
    }
    io.err(autoApproveWarning(user.id, user.name));
  }
  io.err(`Latchkey listening on ${latchkey.baseUrl} (database ${config.database})`);
  if (demoRoutes) {
    const demo = await prepareDemo(latchkey.domain, latchkey.baseUrl);
    if (demo.app) demoRoutes.configure({ apiUrl: `${latchkey.baseUrl}/api`, ...demo.app });
    io.err(demo.text);
  }

  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  io.err(`${signal}: finishing in-flight requests`);
  await latchkey.close();
  return 0;
}

function newTestControls(): TestControls {
  return { adminToken: newSessionToken(), faults: new FaultPlan(), clock: new AdjustableClock() };
}

function testControlsWarning(adminToken: string): string {
  const line = '!'.repeat(78);
  return [
    line,
    '!! INSECURE: --insecure-test-controls is on. /_latchkey/faults and /_latchkey/clock can make',
    '!! calls fail and move time. Use it only in tests. Admin token for those routes:',
    `!!   ${adminToken}`,
    line,
  ].join('\n');
}

function autoApproveWarning(userId: string, userName: string): string {
  const line = '!'.repeat(78);
  return [
    line,
    `!! INSECURE: --insecure-auto-approve is on. Every authorize request is approved at once`,
    `!! as ${userName} (${userId}), with no sign-in and no consent. Use it only in tests.`,
    line,
  ].join('\n');
}
