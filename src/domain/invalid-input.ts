/**
 * An operator's input that the domain refuses (a redirect URI that is not https, an unknown user).
 * `field` names the input in domain terms; the CLI and the programmatic API map it to their own names.
 */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  constructor(
    readonly field: string,
    readonly expected: string,
  ) {
    super(`${field}: ${expected}`);
  }
}

export function invalidInput(field: string, expected: string): never {
  throw new InvalidInputError(field, expected);
}
