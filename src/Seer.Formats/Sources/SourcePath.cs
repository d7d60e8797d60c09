namespace Seer.Formats.Sources;

/// <summary>Relative paths inside a file source: '/'-separated, no '..', no roots; checked and combined here only.</summary>
internal static class SourcePath
{
    /// <summary>'\' to '/', leading "./" removed.</summary>
    public static string Normalize(string path)
    {
        string p = path.Replace('\\', '/');
        while (p.StartsWith("./", StringComparison.Ordinal)) p = p[2..];
        return p;
    }

    /// <summary>Why a path (a zip entry name) would leave the source's root, or null when it is safe.</summary>
    public static string? Unsafe(string rawName)
    {
        if (rawName.Contains('\0')) return "contains a NUL character";
        string p = rawName.Replace('\\', '/');
        if (p.StartsWith('/')) return "is an absolute path";
        if (p.Length >= 2 && char.IsAsciiLetter(p[0]) && p[1] == ':') return "starts with a drive letter";
        foreach (var segment in p.Split('/'))
            if (segment == "..") return "contains a '..' segment that leaves the archive's root";
        return null;
    }

    /// <summary>The folder part of a relative path ("" for a file at the root).</summary>
    public static string Directory(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..slash];
    }

    /// <summary>The last segment of a path.</summary>
    public static string FileName(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash < 0 ? path : path[(slash + 1)..];
    }

    /// <summary>The path without its extension.</summary>
    public static string WithoutExtension(string path)
    {
        int slash = path.LastIndexOf('/');
        int dot = path.LastIndexOf('.');
        return dot > slash + 1 ? path[..dot] : path;
    }

    /// <summary>Joins a folder and a relative path, resolving "." and ".."; null when the result leaves the root.</summary>
    public static string? Combine(string directory, string relative)
    {
        string rel = relative.Replace('\\', '/');
        if (rel.StartsWith('/') || (rel.Length >= 2 && char.IsAsciiLetter(rel[0]) && rel[1] == ':')) return null;
        var parts = new List<string>();
        if (directory.Length > 0) parts.AddRange(directory.Split('/', StringSplitOptions.RemoveEmptyEntries));
        foreach (var segment in rel.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".") continue;
            if (segment == "..")
            {
                if (parts.Count == 0) return null;
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(segment);
        }
        return parts.Count == 0 ? null : string.Join('/', parts);
    }

    /// <summary>Path relative to a folder prefix ("" = root), or null when it is not under it.</summary>
    public static string? RelativeTo(string path, string directory)
    {
        if (directory.Length == 0) return path;
        return path.StartsWith(directory + "/", StringComparison.Ordinal) ? path[(directory.Length + 1)..] : null;
    }

    /// <summary>True for a safe relative dataset file name (what exporters write to disk).</summary>
    public static bool IsSafeRelative(string name) =>
        name.Length > 0 && Unsafe(name) is null && !name.Split('/').Any(s => s.Length == 0 || s == ".");
}
