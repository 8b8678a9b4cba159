import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { query } from '../../server/db/client.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import { describeWith } from '../helpers/system.ts';

const community = 'grading-ro-7f3e';
const authKey = 'auth-key-secret-91';
const privKey = 'priv-key-secret-42';

for (const { store, needs } of stores) {
  describeWith(needs, `SNMP checks through the API on ${store}`, () => {
    let t: TestApp;
    let deviceId: string;
    beforeAll(async () => {
      t = await createTestApp(store);
      deviceId = (
        await t.app.inject({
          method: 'POST',
          url: '/api/devices',
          headers: { cookie: t.admin },
          payload: { name: 'Grade1-NAS', kind: 'storage', host: '127.0.0.1' },
        })
      ).json().id;
    });
    afterAll(async () => t?.close());

    const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
      t.app.inject({ method, url, payload, headers: { cookie: t.admin } });
    const snmpCheck = (config: object) =>
      api('POST', '/api/checks', { deviceId, kind: 'snmp', intervalS: 60, config });

    it('stores communities and v3 keys sealed, shows them masked, and gives them only to probes', async () => {
      const v2 = await snmpCheck({ version: '2c', community, profile: 'auto' });
      expect(v2.statusCode).toBe(201);
      expect(v2.json().config).toEqual({ version: '2c', community: '********', profile: 'auto' });
      const v3 = await snmpCheck({
        version: '3',
        user: {
          name: 'swmon',
          level: 'authPriv',
          authProtocol: 'sha',
          authKey,
          privProtocol: 'aes',
          privKey,
        },
      });
      expect(v3.statusCode).toBe(201);
      expect(v3.json().config.user).toMatchObject({
        name: 'swmon',
        authKey: '********',
        privKey: '********',
      });

      const everything = [
        (await api('GET', '/api/checks')).body,
        (await api('GET', `/api/checks/${v2.json().id}`)).body,
        (await api('GET', '/api/audit?entity=check')).body,
        JSON.stringify(await query(t.ctx.db, sql`select config from checks`)),
        JSON.stringify(await query(t.ctx.db, sql`select before, after from audit_log`)),
      ].join('\n');
      for (const secret of [community, authKey, privKey]) expect(everything).not.toContain(secret);

      const forProbe = await t.app.inject({
        method: 'GET',
        url: '/api/probe/checks',
        headers: { authorization: `Bearer ${t.ctx.embeddedProbeSecret}` },
      });
      const configs = forProbe.json().checks.map((c: { config: object }) => c.config);
      expect(configs).toContainEqual({ version: '2c', community, profile: 'auto' });
      expect(configs).toContainEqual(
        expect.objectContaining({ user: expect.objectContaining({ authKey, privKey }) }),
      );
    });

    it('keeps a stored secret only when a change sends the mask, and forgets one left out', async () => {
      const check = (await snmpCheck({ version: '2c', community })).json();
      const probeConfig = async () =>
        (
          await t.app.inject({
            method: 'GET',
            url: '/api/probe/checks',
            headers: { authorization: `Bearer ${t.ctx.embeddedProbeSecret}` },
          })
        )
          .json()
          .checks.find((c: { id: string }) => c.id === check.id).config;
      const patch = (config: object) => api('PATCH', `/api/checks/${check.id}`, { config });
      expect((await patch({ version: '2c', community: '********', retries: 2 })).statusCode).toBe(
        200,
      );
      expect(await probeConfig()).toEqual({ version: '2c', community, retries: 2 });
      const missing = await patch({ version: '2c' });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().message).toMatch(/^body\.config\.community is required/);
      // Moving to v3 leaves the old community behind for good.
      const v3 = {
        version: '3',
        user: { name: 'swmon', level: 'authNoPriv', authProtocol: 'sha', authKey },
      };
      expect((await patch(v3)).statusCode).toBe(200);
      expect(await probeConfig()).toEqual(v3);
      const back = await patch({ version: '2c', community: '********' });
      expect(back.statusCode).toBe(400);
      expect(back.json().message).toMatch(/^body\.config\.community: send the secret itself/);
      expect((await patch({ version: '2c', community: 'new-community' })).statusCode).toBe(200);
      expect((await probeConfig()).community).toBe('new-community');
    });

    it('gives plain-text secrets to probe tokens only, and lets only admins make probe tokens', async () => {
      const asAdmin = await api('GET', '/api/probe/checks');
      expect(asAdmin.statusCode).toBe(403);
      expect(asAdmin.body).not.toContain(community);
      const engineer = await t.userWithRole('engineer');
      const minted = await t.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: { cookie: engineer },
        payload: { name: 'rogue', scope: 'probe' },
      });
      expect(minted.statusCode).toBe(403);
      expect(minted.json().message).toBe('scope: probe tokens need the admin role');
      const probe = await t.app.inject({
        method: 'POST',
        url: '/api/probes',
        headers: { cookie: engineer },
        payload: { name: 'rogue' },
      });
      expect(probe.statusCode).toBe(403);
      expect(probe.json().message).toMatch(/needs the admin role/);
    });

    it('leaves out a check whose secret no longer opens, and serves the others', async () => {
      const good = (await snmpCheck({ version: '2c', community })).json();
      const broken = (await snmpCheck({ version: '2c', community })).json();
      await t.ctx.db.execute(
        sql`update checks set config = jsonb_set(config, '{community,$sealed}', '"v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"') where id = ${broken.id}`,
      );
      const response = await t.app.inject({
        method: 'GET',
        url: '/api/probe/checks',
        headers: { authorization: `Bearer ${t.ctx.embeddedProbeSecret}` },
      });
      expect(response.statusCode).toBe(200);
      const ids = response.json().checks.map((c: { id: string }) => c.id);
      expect(ids).toContain(good.id);
      expect(ids).not.toContain(broken.id);
    });

    it.each([
      [
        'a profile that does not exist',
        { version: '2c', community, profile: 'toaster' },
        /^body\.config\.profile must be one of: auto, synology, nexis, switch, workstation, system/,
      ],
      [
        'an SNMP version that is not supported',
        { version: '4', community },
        /^body\.config\.version must be one of: 1, 2c, 3/,
      ],
      [
        'an auth protocol that is not supported',
        { version: '3', user: { name: 'u', level: 'authNoPriv', authProtocol: 'crc32', authKey } },
        /^body\.config\.user\.authProtocol must be one of: md5, sha/,
      ],
      [
        'a v3 user with no keys',
        { version: '3', user: { name: 'u', level: 'authPriv' } },
        /^body\.config\.user\.(authProtocol|authKey) is required/,
      ],
      [
        'a v3 authPriv user with no privacy key',
        {
          version: '3',
          user: { name: 'u', level: 'authPriv', authProtocol: 'sha', authKey, privProtocol: 'aes' },
        },
        /^body\.config\.user\.privKey is required/,
      ],
      ['v2c with no community', { version: '2c' }, /^body\.config\.community is required/],
      [
        'a threshold on a reading the profile has no rule for',
        {
          version: '2c',
          community,
          profile: 'synology',
          thresholds: { 'volume.usedpct': { warning: 80 } },
        },
        /^body\.config\.thresholds\.volume\.usedpct: no synology profile rule on 'volume\.usedpct'; rules: .*volume\.used_pct/,
      ],
      [
        'an inverted threshold on a higher-is-worse reading',
        {
          version: '2c',
          community,
          profile: 'auto',
          thresholds: { 'volume.used_pct': { warning: 97, critical: 90 } },
        },
        /^body\.config\.thresholds\.volume\.used_pct: warning 97 is above critical 90; higher is worse here$/,
      ],
      [
        'an inverted threshold on a lower-is-worse reading',
        {
          version: '2c',
          community,
          thresholds: { 'volume.days_until_full': { warning: 2 } },
        },
        /^body\.config\.thresholds\.volume\.days_until_full: warning 2 is below critical 3; lower is worse here$/,
      ],
      [
        'a mask with nothing stored',
        { version: '2c', community: '********' },
        /^body\.config\.community: send the secret itself/,
      ],
    ])('answers 400 for %s', async (_label, config, message) => {
      const response = await snmpCheck(config);
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toMatch(message);
    });

    it('accepts a threshold override that names a rule and keeps its order', async () => {
      const response = await snmpCheck({
        version: '2c',
        community,
        profile: 'synology',
        thresholds: { 'volume.used_pct': { warning: 80, critical: 90 } },
      });
      expect(response.statusCode).toBe(201);
      expect(response.json().config.thresholds).toEqual({
        'volume.used_pct': { warning: 80, critical: 90 },
      });
    });

    it('answers 400 for a negative interval', async () => {
      const response = await api('POST', '/api/checks', {
        deviceId,
        kind: 'snmp',
        intervalS: -30,
        config: { version: '2c', community },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toMatch(/^body\.intervalS must be >= 5/);
    });
  });
}
