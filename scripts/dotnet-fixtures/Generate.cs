// Writes the .NET facts the Skype emulator models (docs/skype-emulator.md, "Cross-checked with
// .NET"): DateTime.Parse of sample strings under five cultures, the cultures' patterns and
// designators, and JavaScriptSerializer's output (what Windows PowerShell 5.1's ConvertTo-Json
// uses) for DateTime values and strings. Run by scripts/dotnet-fixtures/generate (Mono).
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Web.Script.Serialization;

static class Generate {
    static readonly string[] Cultures = { "en-US", "en-GB", "de-DE", "fr-FR", "ja-JP" };

    // Days <= 12 so that a day/month swap parses instead of failing; 12-hour and 24-hour times;
    // the shapes the provider, an operator or another culture's server would write.
    static readonly string[] Samples = {
        "01.12.2026 01:00:00", "12/1/2026 12:00:00 AM", "12/1/2026 1:00:00 PM", "01/12/2026 13:00:00",
        "1/12/2026", "12.01.2026", "2026/12/01 01:00:00", "2026-12-01 01:00:00", "01-12-2026 01:00",
        "03.11.2026 00:30:00", "11/3/2026 12:30 AM", "3/11/2026 11:30:15 PM", "12/1/2026 13:00:00 PM",
        "12/1/2026 0:00:00 AM", "13/1/2026", "31/12/2026", "12/31/2026", "29.02.2027", "2/30/2026",
        "12/1/26", "01.12.2026 1:00:00 PM", "2026-12-01T01:00:00", "2026-12-01T00:00:00Z",
        "2026-12-01T01:00:00+01:00", "12/1/2026 25:00:00", "tomorrow", "",
    };

    static string Json(string s) {
        var sb = new StringBuilder("\"");
        foreach (var c in s) {
            if (c == '"' || c == '\\') sb.Append('\\').Append(c);
            else if (c < ' ' || c > '~') sb.AppendFormat("\\u{0:x4}", (int)c);
            else sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    static void Main() {
        var o = new StringBuilder();
        o.Append("{\n \"generator\": \"scripts/dotnet-fixtures/Generate.cs\",\n");
        o.Append(" \"runtime\": " + Json("Mono " + Environment.Version) + ",\n");
        o.Append(" \"cultures\": {\n");
        for (int i = 0; i < Cultures.Length; i++) {
            var f = CultureInfo.GetCultureInfo(Cultures[i]).DateTimeFormat;
            o.Append("  " + Json(Cultures[i]) + ": {\"shortDatePattern\": " + Json(f.ShortDatePattern) + ", \"longTimePattern\": " + Json(f.LongTimePattern)
                + ", \"amDesignator\": " + Json(f.AMDesignator) + ", \"pmDesignator\": " + Json(f.PMDesignator) + "}" + (i + 1 < Cultures.Length ? "," : "") + "\n");
        }
        o.Append(" },\n \"parse\": [\n");
        var rows = new List<string>();
        foreach (var culture in Cultures) {
            var info = CultureInfo.GetCultureInfo(culture);
            foreach (var sample in Samples) {
                string result;
                try {
                    var d = DateTime.Parse(sample, info);
                    result = "\"value\": " + Json(d.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture)) + ", \"kind\": " + Json(d.Kind.ToString());
                } catch (FormatException e) {
                    result = "\"error\": " + Json(e.GetType().FullName);
                }
                rows.Add("  {\"culture\": " + Json(culture) + ", \"text\": " + Json(sample) + ", " + result + "}");
            }
        }
        o.Append(string.Join(",\n", rows)).Append("\n ],\n");
        // JavaScriptSerializer: a Utc DateTime (no machine zone involved) and strings with the
        // characters it escapes.
        var serializer = new JavaScriptSerializer();
        var serialized = new List<string>();
        foreach (var ticks in new long[] { new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc).Ticks, 639605394000000000L, 621355968000000000L }) {
            var d = new DateTime(ticks, DateTimeKind.Utc);
            serialized.Add("  {\"utcTicks\": " + ticks + ", \"json\": " + Json(serializer.Serialize(d)) + "}");
        }
        foreach (var s in new[] { "it's <b> & \"q\" \\ \u00e9", "line\nbreak\ttab" }) {
            serialized.Add("  {\"string\": " + Json(s) + ", \"json\": " + Json(serializer.Serialize(s)) + "}");
        }
        var table = new Dictionary<string, object> { { "thumbprint", "AB" }, { "notAfter", new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc) } };
        serialized.Add("  {\"object\": \"{thumbprint: 'AB', notAfter: 2026-12-01T00:00:00Z}\", \"json\": " + Json(serializer.Serialize(table)) + "}");
        o.Append(" \"javaScriptSerializer\": [\n").Append(string.Join(",\n", serialized)).Append("\n ]\n}\n");
        Console.Out.Write(o.ToString());
    }
}
