import { describeMtlsSettingsContract } from '@x/testing';
import { OAuth2Session } from '../src/oauth2.js';
import { driver, tlsDriver } from './driver.js';

describeMtlsSettingsContract({ ...driver, ...tlsDriver, OAuth2Session });
