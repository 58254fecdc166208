import { describeOAuth2SessionContract } from '@x/testing';
import { OAuth2Session } from '../src/oauth2.js';
import { driver } from './driver.js';

describeOAuth2SessionContract({ ...driver, OAuth2Session });
