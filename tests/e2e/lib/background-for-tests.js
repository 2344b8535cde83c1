// The background of the test builds only (dist/test-chrome, dist/test-firefox; build.sh copies it
// in): the real one, and the hook the suites move its clock with (`pin-date.js`).
import './service_worker.js';
import { pinDate } from './pin-date.js';

self.pinClock = pinDate;
