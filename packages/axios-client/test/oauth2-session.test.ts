import { describeOAuth2SessionContract } from '@x/testing';
import { expect, it } from 'vitest';
import { OAuth2Session } from '../src/oauth2.js';
import { driver } from './driver.js';

describeOAuth2SessionContract({ ...driver, OAuth2Session }, (t) => {
  it('sends API requests with the configured instance, token requests with a plain one', async () => {
    const intercepted: string[] = [];
    await using oauth = t.session(
      'basic',
      {},
      {
        axios: { baseURL: t.as.issuer, headers: { 'x-api-version': '2' } },
      },
    );
    oauth.axios.interceptors.request.use((config) => {
      intercepted.push(String(config.url));
      return config;
    });
    await t.signIn(oauth);
    const { data } = await oauth.axios.get('/me');
    expect(data).toEqual({ sub: 'alice' });
    expect(intercepted).toEqual(['/me']); // token requests never met the instance's interceptors
    expect(() => t.session('basic', {}, { axios: {}, instance: oauth.axios })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});
