import * as platform from './0001_platform.js';

/** Every migration, in order. Add new ones at the end. */
export const migrations = [platform];
