// Who may use the admin API: a bearer token compared in constant time, or the host's `authorize`.
import { createHash, timingSafeEqual } from 'node:crypto';
import { InvalidArgumentError } from '../errors.js';
import { AdminRequestError } from './admin-response.js';
import type { AdminAuthorize, AdminPrincipal } from './admin-types.js';

/** Resolves a request to its principal (`undefined` with the token option), or throws a 401. */
export type Authenticate = (request: Request) => Promise<AdminPrincipal | undefined>;

const CHALLENGE = 'Bearer realm="llm-agent-router admin"';
// RFC 6750 b64token, after the scheme and at least one space.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
// What a bearer header can carry (RFC 6750 b64token): a token outside it could never authenticate.
const TOKEN_CHARS = /^[A-Za-z0-9\-._~+/]+=*$/;

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function unauthorized(message: string, challenge: string): AdminRequestError {
  return new AdminRequestError(401, 'UNAUTHORIZED', message, { headers: { 'www-authenticate': challenge } });
}

/** Builds the check for exactly one of `token` / `authorize`; throws `InvalidArgumentError` otherwise. */
export function createAuthenticate(token: unknown, authorize: unknown): Authenticate {
  if ((token === undefined) === (authorize === undefined)) {
    throw new InvalidArgumentError('options', 'createAdminHandler needs exactly one of `token` or `authorize`');
  }
  if (authorize !== undefined) {
    if (typeof authorize !== 'function') throw new InvalidArgumentError('options.authorize', 'expected a function (request) => principal | false');
    return byAuthorize(authorize as AdminAuthorize);
  }
  if (typeof token !== 'string' || !TOKEN_CHARS.test(token)) {
    throw new InvalidArgumentError('options.token', 'expected a non-empty token of letters, digits and - . _ ~ + / (then = padding), as a Bearer header can carry');
  }
  return byToken(token);
}

function byToken(token: string): Authenticate {
  // Both sides are hashed first: the comparison then takes the same time whatever the lengths.
  const expected = sha256(token);
  return async (request) => {
    const header = request.headers.get('authorization');
    if (header === null) throw unauthorized('An Authorization: Bearer <token> header is required', CHALLENGE);
    const match = BEARER.exec(header);
    if (!match) throw unauthorized('The Authorization header must be "Bearer <token>"', `${CHALLENGE}, error="invalid_request"`);
    if (!timingSafeEqual(sha256(match[1]!), expected)) throw unauthorized('The bearer token is not valid', `${CHALLENGE}, error="invalid_token"`);
    return undefined;
  };
}

function byAuthorize(authorize: AdminAuthorize): Authenticate {
  return async (request) => {
    // A throw from the host's own code is an internal failure (500), never a way in.
    const principal: unknown = await authorize(request);
    if (principal === false || principal === undefined) throw unauthorized('Not authorized', CHALLENGE);
    // The id is read once: a getter cannot answer one thing to the check and another to the audit.
    const id: unknown = typeof principal === 'object' && principal !== null ? (principal as AdminPrincipal).id : undefined;
    if (typeof id !== 'string' || id === '') {
      throw new InvalidArgumentError('authorize', 'must return a principal { id: string }, false or undefined');
    }
    return { ...(principal as AdminPrincipal), id };
  };
}
