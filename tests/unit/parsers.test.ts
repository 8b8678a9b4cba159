import { describe, expect, it } from 'vitest';
import { parseStatusRanges, statusMatches } from '../../probes/kinds/http.ts';
import { storable, timeoutFor } from '../../probes/runner.ts';
import { describeValidation } from '../../server/errors.ts';
import { loadConfig } from '../../server/config.ts';

describe('expected HTTP status', () => {
  it('parses codes, ranges and lists', () => {
    expect(parseStatusRanges('200')).toEqual([[200, 200]]);
    expect(parseStatusRanges('200-299,301-302,404')).toEqual([
      [200, 299],
      [301, 302],
      [404, 404],
    ]);
    expect(statusMatches(204, '200-299')).toBe(true);
    expect(statusMatches(302, '200-299,404')).toBe(false);
    expect(statusMatches(404, '200-299,404')).toBe(true);
  });
});

describe('check timeout', () => {
  it('uses the configured timeout, else 80% of the interval up to 10 s', () => {
    const spec = { id: 'c', deviceId: 'd', kind: 'http', host: '', config: {} };
    expect(timeoutFor({ ...spec, intervalS: 5 })).toBe(4000);
    expect(timeoutFor({ ...spec, intervalS: 60 })).toBe(10_000);
    expect(timeoutFor({ ...spec, intervalS: 60, config: { timeoutMs: 2500 } })).toBe(2500);
  });
});

describe('validation messages', () => {
  it('names the field in words', () => {
    expect(
      describeValidation(
        [{ instancePath: '/config/url', keyword: 'type', params: { type: 'string' } }],
        'body',
      ),
    ).toBe('body.config.url must be string');
    expect(
      describeValidation(
        [
          {
            instancePath: '',
            keyword: 'additionalProperties',
            params: { additionalProperty: 'colour' },
          },
        ],
        'body',
      ),
    ).toBe("body has an unknown field 'colour'");
    expect(
      describeValidation(
        [{ instancePath: '', keyword: 'required', params: { missingProperty: 'name' } }],
        'body',
      ),
    ).toBe('body.name is required');
  });
});

describe('configuration', () => {
  it('defaults to port 8080 and ./data, and names a bad setting', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.dataDir).toMatch(/\/data$/);
    expect(config.databaseUrl).toBeUndefined();
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(
      "PORT must be a whole number from 0 to 65535, got 'eighty'",
    );
    expect(() => loadConfig({ SUITEWATCH_EMBEDDED_PROBE: 'maybe' })).toThrow(
      /SUITEWATCH_EMBEDDED_PROBE must be true or false/,
    );
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(
      /^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'verbose'$/,
    );
    expect(() => loadConfig({ DATABASE_URL: 'postgres://[x' })).toThrow(
      /^DATABASE_URL is not a valid URL/,
    );
  });
});

describe('storable text', () => {
  it('drops NUL padding and replaces unpaired surrogates, keeping real pairs', () => {
    expect(storable('Linux nas01\u0000\u0000')).toBe('Linux nas01');
    expect(storable('bad \uD800 half')).toBe('bad \uFFFD half');
    expect(storable('tail \uDC00')).toBe('tail \uFFFD');
    expect(storable('grade 🎬 ok')).toBe('grade 🎬 ok');
  });
});
