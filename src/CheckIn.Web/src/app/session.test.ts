import { beforeEach, describe, expect, it } from 'vitest';
import { clearSession, loadSession, msUntilExpiry, saveSession, SESSION_KEY } from './session';
import { sampleSession } from './testing';

const now = Date.parse('2026-12-03T10:00:00Z');

describe('session store', () => {
  beforeEach(() => localStorage.clear());

  it('restores a saved session that has not expired', () => {
    const session = sampleSession('2026-12-03T11:00:00Z');
    saveSession(localStorage, session);
    expect(JSON.parse(localStorage.getItem(SESSION_KEY)!)).toEqual(session);
    expect(loadSession(localStorage, now)).toEqual(session);
  });

  it('does not restore an expired session and forgets it', () => {
    saveSession(localStorage, sampleSession('2026-12-03T09:59:59Z'));
    expect(loadSession(localStorage, now)).toBeUndefined();
    expect(localStorage.getItem(SESSION_KEY)).toBeNull();
  });

  it('treats the exact expiry instant as expired', () => {
    saveSession(localStorage, sampleSession('2026-12-03T10:00:00Z'));
    expect(loadSession(localStorage, now)).toBeUndefined();
  });

  it('ignores and removes an unreadable entry', () => {
    localStorage.setItem(SESSION_KEY, '{not json');
    expect(loadSession(localStorage, now)).toBeUndefined();
    expect(localStorage.getItem(SESSION_KEY)).toBeNull();
    localStorage.setItem(SESSION_KEY, JSON.stringify({ token: '', expiresAt: '2026-12-03T11:00:00Z' }));
    expect(loadSession(localStorage, now)).toBeUndefined();
  });

  it('clears the session', () => {
    saveSession(localStorage, sampleSession('2026-12-03T11:00:00Z'));
    clearSession(localStorage);
    expect(loadSession(localStorage, now)).toBeUndefined();
  });

  it('counts the time left by the given clock', () => {
    expect(msUntilExpiry({ expiresAt: '2026-12-03T10:01:00Z' }, now)).toBe(60_000);
    expect(msUntilExpiry({ expiresAt: 'garbage' }, now)).toBeLessThan(0);
  });
});
