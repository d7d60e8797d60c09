using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Seer.Workflows.Cards;

/// <summary>
/// A step's report: a title, then sections of text, tables, line charts (inline SVG), matrices and images, written as
/// one self-contained HTML file (styles inline, images as data URIs, no script) that opens in any browser and can be
/// mailed as it is. Written by hand: a report of a few kinds of blocks needs no template engine.
/// </summary>
public sealed class Card
{
    private readonly List<string> blocks = [];
    private readonly Lock gate = new();

    public Card(string title) => Title = title;

    public string Title { get; }

    public bool IsEmpty => blocks.Count == 0;

    public void Heading(string text) => Add($"<h2>{E(text)}</h2>");

    public void Text(string text) => Add($"<p>{E(text)}</p>");

    /// <summary>A table; cells are text, numbers are printed with 4 significant decimals.</summary>
    public void Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows, string? caption = null)
    {
        var sb = new StringBuilder("<table>");
        if (caption is not null) sb.Append("<caption>").Append(E(caption)).Append("</caption>");
        sb.Append("<tr>");
        foreach (string h in header) sb.Append("<th>").Append(E(h)).Append("</th>");
        sb.Append("</tr>");
        int n = 0;
        foreach (var row in rows)
        {
            if (++n > 500) { sb.Append("<tr><td colspan=\"").Append(header.Count).Append("\">… more rows left out</td></tr>"); break; }
            sb.Append("<tr>");
            foreach (object? cell in row) sb.Append("<td>").Append(E(Format(cell))).Append("</td>");
            sb.Append("</tr>");
        }
        Add(sb.Append("</table>").ToString());
    }

    /// <summary>A key/value table of a JSON object (nested values as compact JSON).</summary>
    public void KeyValues(string caption, JsonObject? values)
    {
        if (values is null || values.Count == 0) return;
        Table(["key", "value"], values.Select(kv => (IReadOnlyList<object?>)[kv.Key, ValueText(kv.Value)]), caption);
    }

    /// <summary>Line chart of one or more series over the same x values (e.g. loss and metric per epoch).</summary>
    public void LineChart(string caption, IReadOnlyList<double> x, IReadOnlyList<(string Name, IReadOnlyList<double?> Y)> series)
    {
        const int w = 560, h = 220, pad = 36;
        var all = series.SelectMany(s => s.Y).Where(v => v.HasValue && double.IsFinite(v.Value)).Select(v => v!.Value).ToList();
        if (x.Count == 0 || all.Count == 0) return;
        double x0 = x.Min(), x1 = Math.Max(x.Max(), x0 + 1e-9), y0 = Math.Min(0, all.Min()), y1 = Math.Max(all.Max(), y0 + 1e-9);
        string[] colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"];
        var sb = new StringBuilder($"<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" role=\"img\">");
        sb.Append($"<line x1=\"{pad}\" y1=\"{h - pad}\" x2=\"{w - 8}\" y2=\"{h - pad}\" stroke=\"#888\"/><line x1=\"{pad}\" y1=\"8\" x2=\"{pad}\" y2=\"{h - pad}\" stroke=\"#888\"/>");
        sb.Append($"<text x=\"2\" y=\"14\" font-size=\"11\">{N(y1)}</text><text x=\"2\" y=\"{h - pad}\" font-size=\"11\">{N(y0)}</text>");
        sb.Append($"<text x=\"{pad}\" y=\"{h - pad + 14}\" font-size=\"11\">{N(x0)}</text><text x=\"{w - 40}\" y=\"{h - pad + 14}\" font-size=\"11\">{N(x1)}</text>");
        for (int s = 0; s < series.Count; s++)
        {
            var pts = new StringBuilder();
            for (int i = 0; i < x.Count && i < series[s].Y.Count; i++)
            {
                if (series[s].Y[i] is not double v || !double.IsFinite(v)) continue;
                double px = pad + (x[i] - x0) / (x1 - x0) * (w - pad - 8), py = (h - pad) - (v - y0) / (y1 - y0) * (h - pad - 8);
                pts.Append(N(px)).Append(',').Append(N(py)).Append(' ');
            }
            string c = colours[s % colours.Length];
            sb.Append($"<polyline fill=\"none\" stroke=\"{c}\" stroke-width=\"2\" points=\"{pts}\"/>");
            sb.Append($"<text x=\"{w - 150}\" y=\"{16 + 14 * s}\" font-size=\"12\" fill=\"{c}\">{E(series[s].Name)}</text>");
        }
        sb.Append("</svg><figcaption>").Append(E(caption)).Append("</figcaption></figure>");
        Add(sb.ToString());
    }

    /// <summary>A matrix as a table with cells shaded by their share of the row (a confusion matrix).</summary>
    public void Matrix(string caption, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels, IReadOnlyList<IReadOnlyList<double>> values)
    {
        var sb = new StringBuilder("<table class=\"matrix\"><caption>").Append(E(caption)).Append("</caption><tr><th></th>");
        foreach (string c in columnLabels) sb.Append("<th>").Append(E(c)).Append("</th>");
        sb.Append("</tr>");
        for (int r = 0; r < values.Count && r < rowLabels.Count; r++)
        {
            double total = Math.Max(1e-12, values[r].Sum());
            sb.Append("<tr><th>").Append(E(rowLabels[r])).Append("</th>");
            foreach (double v in values[r])
            {
                int shade = (int)Math.Round(255 - 155 * Math.Clamp(v / total, 0, 1));
                sb.Append($"<td style=\"background:rgb({shade},{shade},255)\">").Append(N(v)).Append("</td>");
            }
            sb.Append("</tr>");
        }
        Add(sb.Append("</table>").ToString());
    }

    /// <summary>An image (JPEG or PNG bytes) with a caption.</summary>
    public void Image(string caption, byte[] bytes, string mediaType)
    {
        Add($"<figure class=\"image\"><img alt=\"{E(caption)}\" src=\"data:{mediaType};base64,{Convert.ToBase64String(bytes)}\"/><figcaption>{E(caption)}</figcaption></figure>");
    }

    public string ToHtml(DateTimeOffset at)
    {
        var sb = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"/><title>")
            .Append(E(Title)).Append("</title><style>")
            .Append("body{font:14px system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}")
            .Append("table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}")
            .Append("caption{font-weight:600;text-align:left;padding:4px 0}figure{display:inline-block;margin:8px}")
            .Append("figure.image img{max-width:320px;max-height:320px}.meta{color:#666}")
            .Append("</style></head><body><h1>").Append(E(Title)).Append("</h1><p class=\"meta\">Seer card, written ")
            .Append(E(at.ToString("u", CultureInfo.InvariantCulture))).Append("</p>");
        lock (gate) foreach (string b in blocks) sb.Append(b);
        return sb.Append("</body></html>").ToString();
    }

    /// <summary>Writes the card atomically (temp file, then rename).</summary>
    public void WriteTo(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, ToHtml(DateTimeOffset.UtcNow));
        File.Move(tmp, path, overwrite: true);
    }

    private void Add(string html) { lock (gate) blocks.Add(html); }

    private static string ValueText(JsonNode? v) => v switch
    {
        null => "null",
        JsonValue s when s.GetValueKind() == JsonValueKind.String => s.GetValue<string>(),
        JsonValue n when Seer.Workflows.Definition.FlowExpressions.TryNumber(n, out double d) => N(d),
        _ => v.ToJsonString().Length > 300 ? v.ToJsonString()[..300] + "…" : v.ToJsonString(),
    };

    private static string Format(object? cell) => cell switch
    {
        null => "",
        double d => N(d),
        float f => N(f),
        _ => Convert.ToString(cell, CultureInfo.InvariantCulture) ?? "",
    };

    private static string N(double v) => Math.Abs(v - Math.Round(v)) < 1e-9 && Math.Abs(v) < 1e12
        ? Math.Round(v).ToString(CultureInfo.InvariantCulture)
        : v.ToString("0.####", CultureInfo.InvariantCulture);

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
