using System.Xml;
using System.Xml.Linq;

namespace Seer.Formats.Common;

/// <summary>Reads XML with DTDs prohibited (no entity expansion, no external fetches) and line-numbered errors.</summary>
internal static class XmlFiles
{
    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        MaxCharactersInDocument = 64L << 20,
    };

    /// <summary>Deepest element nesting accepted; real annotation files nest fewer than 10 levels.</summary>
    public const int MaxDepth = 256;

    /// <summary>Parses a document; on malformed XML returns null with the parser's reason (line and position).</summary>
    public static XDocument? TryLoad(Stream stream, out string reason)
    {
        try
        {
            if (!stream.CanSeek)
            {
                var copy = new MemoryStream();
                stream.CopyTo(copy);
                copy.Position = 0;
                stream = copy;
            }
            // A streaming pass first: the nesting depth is checked before a tree is built.
            long start = stream.Position;
            using (var scan = XmlReader.Create(stream, Settings))
                while (scan.Read())
                    if (scan.Depth > MaxDepth)
                    {
                        var info = (IXmlLineInfo)scan;
                        reason = $"elements nested deeper than {MaxDepth} levels (line {info.LineNumber}); not an annotation file";
                        return null;
                    }
            stream.Position = start;
            using var reader = XmlReader.Create(stream, Settings);
            reason = "";
            return XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            reason = $"malformed XML: {e.Message}";
            return null;
        }
    }

    /// <summary>Trimmed text of a child element, or null when absent or empty.</summary>
    public static string? Text(XElement? parent, string name)
    {
        string? v = parent?.Element(name)?.Value.Trim();
        return string.IsNullOrEmpty(v) ? null : v;
    }

    /// <summary>"1"/"true" → true; absent, empty, "0" → false.</summary>
    public static bool Flag(XElement? parent, string name)
    {
        string? v = Text(parent, name);
        return v is not null && (v == "1" || v.Equals("true", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Line number of an element, for messages.</summary>
    public static string Where(XElement element) =>
        element is IXmlLineInfo info && info.HasLineInfo() ? $"line {info.LineNumber}" : "";
}
