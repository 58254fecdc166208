import { describeOAuth1SessionContract } from '@x/testing';
// The OAuth 1.0a provider of @x/oauth1's own tests, built on verifySignature.
import { startProvider } from '../../oauth1/test/support/provider.js';
import { OAuth1Session } from '../src/oauth1.js';
import { driver } from './driver.js';

describeOAuth1SessionContract({ ...driver, OAuth1Session }, startProvider);
