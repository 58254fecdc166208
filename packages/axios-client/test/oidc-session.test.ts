import { Agent } from 'node:http';
import { IdTokenError, OIDCClient } from '@x/oidc';
import { describeOIDCSessionContract, type SeenRequest, settled } from '@x/testing';
import axios from 'axios';
import { expect, it } from 'vitest';
import { OAuth2Session } from '../src/oauth2.js';
import { OIDCSession } from '../src/oidc.js';
import { driver, recordingAdapter } from './driver.js';

/** Idle keep-alive sockets of an agent. */
const idle = (agent: Agent): number => Object.values(agent.freeSockets).flat().length;

describeOIDCSessionContract(
  { ...driver, OIDCSession, OAuth2Session },
  { OIDCClient, IdTokenError },
  (t) => {
    it('discover with an instance goes through its adapter and leaves no interceptor on it when it fails', async () => {
      const seen: SeenRequest[] = [];
      const httpAgent = new Agent({ keepAlive: true });
      const instance = axios.create({ adapter: recordingAdapter(seen), httpAgent });
      const error = await settled(
        OIDCSession.discover(`${t.as.issuer}/`, t.options({}, { instance, ownsAgents: true })),
      );
      expect(error).toMatchObject({ code: 'ERR_INVALID_RESPONSE', message: /not the issuer/ });
      expect(seen.map((s) => s.path)).toEqual(['/.well-known/openid-configuration']);
      // The agent the session was to own is destroyed; the instance itself still works.
      await expect.poll(() => idle(httpAgent)).toBe(0);
      const response = await instance.get(t.as.endpoints.discovery);
      expect(response.status).toBe(200);
      expect(seen).toHaveLength(2);

      const session = await OIDCSession.discover(t.as.issuer, t.options({}, { instance }));
      expect(session.axios).toBe(instance);
      expect(seen.map((s) => s.path).slice(2)).toEqual(['/.well-known/openid-configuration']);
      await session.close();
      httpAgent.destroy();
    });
  },
);
