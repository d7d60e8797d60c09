namespace Seer.Hosting;

/// <summary>Keeps the workspace's absolute location out of what members read (error details, job errors).</summary>
public static class ServerPaths
{
    /// <summary><paramref name="text"/> with the workspace folder's absolute path written as <c>HOME</c>.</summary>
    public static string Hide(string text, string home)
    {
        if (string.IsNullOrEmpty(text) || string.IsNullOrWhiteSpace(home)) return text;
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(home));
        string result = text.Replace(full, "HOME", StringComparison.Ordinal);
        // The same folder reached through links (its canonical path, as PathPolicy reports it) is hidden too.
        string real = PathPolicy.Canonical(full, home);
        return real == full ? result : result.Replace(real, "HOME", StringComparison.Ordinal);
    }
}
