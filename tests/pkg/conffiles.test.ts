// dpkg's conffile decision table (old = hash recorded for the installed
// version, cur = file on disk, dist = newly shipped version).
import { describe, it, expect } from 'vitest';
import { decide } from '../../pkg/conffiles.js';

describe('conffile decisions', () => {
  it('follows dpkg for every combination', () => {
    expect(decide(null, null, 'N', 'default')).toBe('install-new'); // fresh install
    expect(decide('newconffile', 'U', 'N', 'default')).toBe('keep-with-dist'); // unowned file in the way
    expect(decide('newconffile', 'N', 'N', 'default')).toBe('unchanged');
    expect(decide('O', 'O', 'N', 'default')).toBe('install-new'); // user never edited
    expect(decide('O', 'U', 'O', 'default')).toBe('keep-current'); // package unchanged
    expect(decide('O', 'U', 'N', 'default')).toBe('keep-with-dist'); // both changed, confold default
    expect(decide('O', 'U', 'N', 'confold')).toBe('keep-with-dist');
    expect(decide('O', 'U', 'N', 'confnew')).toBe('replace-with-old');
    expect(decide('O', 'N', 'N', 'default')).toBe('unchanged'); // user already has the new one
    expect(decide('O', null, 'O', 'default')).toBe('deleted-by-user');
    expect(decide('O', null, 'N', 'default')).toBe('keep-with-dist');
    expect(decide('O', null, 'N', 'confnew')).toBe('install-new');
  });
});
