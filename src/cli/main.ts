import { InvalidInputError } from '../domain/invalid-input.js';
import { StoreUnavailableError } from '../errors.js';
import {
  appsCreate,
  appsList,
  appsRotateSecret,
  appsUpdate,
  type Command,
  codesMint,
  tokensRevoke,
  usersCreate,
  workspacesCreate,
} from './admin-commands.js';
import { type CliIo, processIo } from './io.js';
import { serve } from './serve.js';
import { UsageError } from './usage.js';

const commands: Readonly<Record<string, Command>> = {
  'workspaces create': workspacesCreate,
  'users create': usersCreate,
  'apps create': appsCreate,
  'apps list': appsList,
  'apps update': appsUpdate,
  'apps rotate-secret': appsRotateSecret,
  'codes mint': codesMint,
  'tokens revoke': tokensRevoke,
};

export const USAGE = `Usage: latchkey <command> [flags]

  serve [--port 3000] [--host 127.0.0.1] [--database FILE|URL] [--database-pool N] [--base-url URL]
        [--body-timeout S] [--body-limit BYTES] [--code-ttl S] [--token-expiry S] [--refresh-grace S]
        [--log-level L] [--secret-key KEY] [--redis URL] [--redis-prefix P] [--trust-proxy]
        [--rate-limits method=N,…|off] [--client-auth-failures N] [--demo]
        [--insecure-auto-approve USER_ID] [--insecure-test-controls]
  workspaces create --name NAME --domain DOMAIN
  users create --team TEAM_ID --name NAME [--email EMAIL] [--password PASSWORD]
  apps create --name NAME --redirect-uri URL [--redirect-uri URL …] [--scopes a,b] [--token-rotation]
  apps list
  apps update --client-id ID [--name NAME] [--redirect-uri URL …] [--scopes a,b] [--[no-]token-rotation]
  apps rotate-secret --client-id ID
  codes mint --client-id ID --user USER_ID --scopes a,b [--user-scopes c,d] [--redirect-uri URL] [--v2]
             [--ttl S] [--count N]
  tokens revoke --token TOKEN

Every command takes --database (a file, sqlite: URL or postgres:// URL; default ./latchkey.db, env
LATCHKEY_DATABASE or DATABASE_URL) and --json.`;

/** Runs one command line; returns the exit code (2 for bad input, with one line naming the flag). */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [first, second, ...rest] = argv;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    io.out(USAGE);
    return first === undefined ? 2 : 0;
  }
  try {
    if (first === 'serve') return await serve(argv.slice(1), io);
    const command = commands[`${first} ${second ?? ''}`];
    if (!command) {
      const named = second === undefined || second.startsWith('-') ? first : `${first} ${second}`;
      io.err(`latchkey: unknown command '${named}'; see latchkey --help`);
      return 2;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(USAGE);
      return 0;
    }
    try {
      await command.run(rest, io);
    } catch (error) {
      if (error instanceof InvalidInputError) {
        throw new UsageError(`--${command.flagOf[error.field] ?? error.field}: expected ${error.expected}`);
      }
      throw error;
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`latchkey: ${error.message}`);
      return 2;
    }
    if (error instanceof StoreUnavailableError) {
      io.err(`latchkey: database unavailable: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
