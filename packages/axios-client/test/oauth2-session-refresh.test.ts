import { describeOAuth2RefreshContract } from '@x/testing';
import { OAuth2Session } from '../src/oauth2.js';
import { driver } from './driver.js';

describeOAuth2RefreshContract({ ...driver, OAuth2Session });
