import { describe, expect, it } from 'vitest';
import { csvCell, csvFilename, prefersCsv, toCsv } from '../../server/plugins/csv.ts';

describe('prefersCsv', () => {
  it.each([
    ['text/csv', true],
    ['TEXT/CSV; charset=utf-8', true],
    ['text/csv;header=present', true],
    ['text/csv, application/json', true],
    ['application/json, text/csv', false],
    ['text/csv;q=0.5, application/json', false],
    ['application/json;q=0.5, text/csv', true],
    ['text/csv, */*;q=0.1', true],
    ['text/csv;q=0.2, */*;q=0.1', true],
    ['*/*, text/csv', false],
    ['*/*', false],
    ['text/*', false],
    ['application/json', false],
    ['text/csv;q=0', false],
    ['text/csv;q=oops', false],
    ['', false],
    [undefined, false],
    ['garbage,,;;', false],
    // application/json is refused outright, so any CSV wins.
    ['application/json;q=0, text/csv;q=0.1', true],
  ])('%j -> %s', (header, expected) => {
    expect(prefersCsv(header)).toBe(expected);
  });
});

describe('csvCell', () => {
  it('writes scalars plainly and null as an empty cell', () => {
    expect(csvCell('Grade 1')).toBe('Grade 1');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(0.25)).toBe('0.25');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(12n)).toBe('12');
  });

  it('writes dates as ISO 8601', () => {
    expect(csvCell(new Date('2030-05-01T09:00:00Z'))).toBe('2030-05-01T09:00:00.000Z');
    expect(csvCell(new Date('nonsense'))).toBe('');
  });

  it('joins arrays of scalars with "; " and writes other structures as JSON', () => {
    expect(csvCell(['a', 'b', 3])).toBe('a; b; 3');
    expect(csvCell([])).toBe('');
    expect(csvCell({ a: 1, b: [2] })).toBe('"{""a"":1,""b"":[2]}"');
    expect(csvCell([{ x: 1 }])).toBe('"[{""x"":1}]"');
    expect(csvCell([[1, 2]])).toBe('"[[1,2]]"');
  });

  it('quotes fields holding a comma, quote, CR or LF, doubling quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('line\r\nbreak')).toBe('"line\r\nbreak"');
    expect(csvCell('plain; text')).toBe('plain; text');
  });

  it('defuses text a spreadsheet would run as a formula, but not numbers', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell('+1+1')).toBe("'+1+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    expect(csvCell(['=1', 'b'])).toBe("'=1; b");
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell('a=b')).toBe('a=b');
  });
});

describe('toCsv', () => {
  it('heads the columns with every key in the order first seen, CRLF after each row', () => {
    const text = toCsv([
      { id: 1, name: 'Grade 1' },
      { id: 2, tags: ['hdr', 'dolby'], name: 'Dub, 2' },
      { extra: null },
    ]);
    expect(text).toBe(
      ['id,name,tags,extra', '1,Grade 1,,', '2,"Dub, 2",hdr; dolby,', ',,,', ''].join('\r\n'),
    );
  });

  it('makes an empty list an empty file', () => {
    expect(toCsv([])).toBe('');
    expect(toCsv([{}])).toBe('');
  });

  it('guards and quotes header cells too', () => {
    expect(toCsv([{ '=x': 1, 'a,b': 2 }])).toBe(`'=x,"a,b"\r\n1,2\r\n`);
  });
});

describe('csvFilename', () => {
  const now = new Date('2030-05-01T23:30:00Z');
  it('is the last path segment and the UTC date', () => {
    expect(csvFilename('/api/devices', now)).toBe('devices-2030-05-01.csv');
    expect(csvFilename('/api/bookings/?from=x', now)).toBe('bookings-2030-05-01.csv');
    expect(csvFilename('/api/reports/helpdesk/per-suite?to=2030-01-01T00:00:00Z', now)).toBe(
      'per-suite-2030-05-01.csv',
    );
  });
  it('keeps header-breaking characters out', () => {
    expect(csvFilename('/api/x/a%22b%0d%0ac', now)).toBe('a_b_c-2030-05-01.csv');
    expect(csvFilename('/api/x/%E0%A4%A', now)).toBe('E0_A4_A-2030-05-01.csv');
    expect(csvFilename('/', now)).toBe('export-2030-05-01.csv');
    expect(csvFilename('/api/x/..', now)).toBe('export-2030-05-01.csv');
  });
});
