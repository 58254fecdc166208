import { MemoryNonceStore, verifySignature } from '@x/oauth1';
import { describeMtlsFlowsContract } from '@x/testing';
import { AssertionSession } from '../src/assertion.js';
import { OAuth1Session } from '../src/oauth1.js';
import { OAuth2Session } from '../src/oauth2.js';
import { driver, tlsDriver } from './driver.js';

const sessions = { OAuth2Session, AssertionSession, OAuth1Session };
describeMtlsFlowsContract(
  { ...driver, ...tlsDriver, ...sessions },
  { verifySignature, MemoryNonceStore },
);
