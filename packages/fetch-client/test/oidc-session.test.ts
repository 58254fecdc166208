import { IdTokenError, OIDCClient } from '@x/oidc';
import { describeOIDCSessionContract } from '@x/testing';
import { OAuth2Session } from '../src/oauth2.js';
import { OIDCSession } from '../src/oidc.js';
import { driver } from './driver.js';

describeOIDCSessionContract(
  { ...driver, OIDCSession, OAuth2Session },
  { OIDCClient, IdTokenError },
);
