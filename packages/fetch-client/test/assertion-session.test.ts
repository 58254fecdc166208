import { describeAssertionSessionContract } from '@x/testing';
import { AssertionSession } from '../src/assertion.js';
import { driver } from './driver.js';

describeAssertionSessionContract({ ...driver, AssertionSession });
