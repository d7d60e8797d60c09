using System.Text;

namespace Seer.Formats.Folders;

/// <summary>
/// Class names as folder names: characters a folder name cannot hold ('/', '\', NUL) and '%' are written as %XX
/// (UTF-8 bytes), so "T-shirt/top" is the folder "T-shirt%2Ftop"; reading decodes %XX back.
/// </summary>
internal static class FolderNames
{
    public static readonly IReadOnlySet<string> SplitNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "train", "val", "valid", "validation", "test",
    };

    public static string Encode(string className)
    {
        var sb = new StringBuilder();
        foreach (char c in className)
        {
            if (c is '/' or '\\' or '%' or '\0') sb.Append('%').Append(((int)c).ToString("X2"));
            else sb.Append(c);
        }
        string s = sb.ToString();
        return s is "." or ".." ? s.Replace(".", "%2E") : s;
    }

    public static string Decode(string folder)
    {
        if (!folder.Contains('%')) return folder;
        var bytes = new List<byte>();
        for (int i = 0; i < folder.Length; i++)
        {
            if (folder[i] == '%' && i + 2 < folder.Length
                && Uri.IsHexDigit(folder[i + 1]) && Uri.IsHexDigit(folder[i + 2]))
            {
                bytes.Add(Convert.ToByte(folder.Substring(i + 1, 2), 16));
                i += 2;
            }
            else bytes.AddRange(Encoding.UTF8.GetBytes(folder[i].ToString()));
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>The class folder of a relative image path, or null when the image is unlabelled (root, or a split folder's root).</summary>
    public static string? ClassFolder(string path)
    {
        var parts = path.Split('/');
        if (parts.Length < 2) return null;
        if (SplitNames.Contains(parts[0])) return parts.Length >= 3 ? parts[1] : null;
        return parts[0];
    }
}
