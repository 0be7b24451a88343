/**
 * The emulator against .NET's own code: test/fixtures/dotnet/dotnet-facts.json is written by
 * scripts/dotnet-fixtures/generate (Mono's DateTime.Parse and JavaScriptSerializer). Where Mono's
 * culture data differs from Windows .NET Framework (de-DE's AM designator), Microsoft's wins and
 * the row says so (docs/skype-emulator.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDateTime, type Culture } from '../../tools/skype-emulator/culture';
import { convertToJson, PsDate, PsHashtable } from '../../tools/skype-emulator/values';

interface Facts {
  cultures: Record<string, { shortDatePattern: string; amDesignator: string; pmDesignator: string }>;
  parse: { culture: Culture; text: string; value?: string; kind?: string; error?: string }[];
  javaScriptSerializer: { utcTicks?: number; string?: string; json: string }[];
}

const facts = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'dotnet', 'dotnet-facts.json'), 'utf8')) as Facts;
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

describe('DateTime.Parse as .NET does it, per culture (Mono fixtures)', () => {
  it('covers the five cultures with days at most 12, both hour styles', () => {
    expect(Object.keys(facts.cultures)).toEqual(['en-US', 'en-GB', 'de-DE', 'fr-FR', 'ja-JP']);
    expect(facts.parse.length).toBeGreaterThan(100);
  });

  it.each(facts.parse.map((row) => [row.culture, row.text, row] as const))('%s "%s"', (culture, text, row) => {
    const parsed = parseDateTime(text, culture);
    if (row.error !== undefined) {
      expect(parsed).toEqual({ ok: false, reason: `String '${text}' was not recognized as a valid DateTime.` });
      return;
    }
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    if (row.kind === 'Local') {
      // A zone was given: .NET converts to the machine's zone (UTC when the fixtures were made).
      const instant = parsed.instant as Date;
      expect(`${instant.toISOString().slice(0, 19)}.0000000`).toBe(row.value);
      return;
    }
    const w = parsed.wall;
    expect(`${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}.${pad(w.millisecond, 3)}0000`).toBe(row.value);
  });

  it("reads the culture's own designators where Windows has them (ja-JP); de-DE's Mono-only 'nachm.' is not one", () => {
    expect(facts.cultures['ja-JP']?.pmDesignator).toBe('午後');
    expect(parseDateTime('2026/12/01 1:00:00 午後', 'ja-JP')).toMatchObject({ ok: true, wall: { hour: 13 } });
    // Mono's de-DE has "vorm."/"nachm."; Windows .NET Framework's de-DE has no designators.
    expect(facts.cultures['de-DE']?.pmDesignator).toBe('nachm.');
    expect(parseDateTime('01.12.2026 1:00:00 nachm.', 'de-DE')).toEqual({ ok: false, reason: "String '01.12.2026 1:00:00 nachm.' was not recognized as a valid DateTime." });
  });
});

describe("JavaScriptSerializer's output, as Windows PowerShell 5.1's ConvertTo-Json writes it", () => {
  const options = { depth: 2, compress: true, timeZone: 'UTC', edition: 'desktop' as const };

  it.each(facts.javaScriptSerializer.filter((r) => r.utcTicks !== undefined).map((r) => [r.utcTicks as number, r.json] as const))('a DateTime of %s ticks is %s', (ticks, json) => {
    const instant = new Date(Number((BigInt(ticks) - 621355968000000000n) / 10000n));
    expect(convertToJson([new PsDate(instant, 'Utc')], false, options).text).toBe(json);
    // The kind does not change the instant written: Local is converted to UTC first.
    expect(convertToJson([new PsDate(instant, 'Local')], false, { ...options, timeZone: 'Europe/Berlin' }).text).toBe(json);
  });

  it.each(facts.javaScriptSerializer.filter((r) => r.string !== undefined).map((r) => [r.string as string, r.json] as const))('the string %j is %s', (text, json) => {
    expect(convertToJson([text], false, options).text).toBe(json);
  });

  it('an object holding a date', () => {
    const row = facts.javaScriptSerializer.find((r) => r.json.startsWith('{'));
    const table = new PsHashtable([['thumbprint', 'AB'], ['notAfter', new PsDate(new Date('2026-12-01T00:00:00Z'), 'Utc')]]);
    expect(convertToJson([table], false, options).text).toBe(row?.json);
  });
});
