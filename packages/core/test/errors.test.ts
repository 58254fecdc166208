import { describe, expect, it } from 'vitest';
import * as errors from '../src/errors.js';

describe('probe', () => {
  it('copy import', async () => {
    const path = '../src/errors.ts?copy';
    const copy = (await import(path)) as typeof errors;
    console.log(copy.OAuthError === errors.OAuthError);
    const e = new copy.InvalidResponseError('x');
    console.log(e instanceof errors.OAuthError, errors.OAuthError.isInstance(e), errors.InvalidResponseError.isInstance(e));
  });
});
