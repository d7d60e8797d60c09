using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Seer.Server.Auth;

/// <summary>
/// The ASP.NET data-protection key ring (which signs and encrypts the session cookie) kept inside the workspace, at
/// <c>HOME/secrets/keys</c>: the folders are created mode 0700 and each key file 0600 (written under a temporary name,
/// then renamed). A cookie minted by a server on another workspace cannot be read here, because the keys differ.
/// </summary>
public sealed class WorkspaceKeyRing : IXmlRepository
{
    private const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public WorkspaceKeyRing(string home)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(home);
        string secrets = Path.Combine(Path.GetFullPath(home), "secrets");
        Folder = Path.Combine(secrets, "keys");
        CreatePrivate(secrets);
        CreatePrivate(Folder);
    }

    /// <summary>The key folder, <c>HOME/secrets/keys</c>.</summary>
    public string Folder { get; }

    public IReadOnlyCollection<XElement> GetAllElements() =>
        Directory.EnumerateFiles(Folder, "*.xml").Order(StringComparer.Ordinal).Select(f => XElement.Load(f)).ToList();

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        string name = string.Concat((friendlyName ?? "").Where(c => char.IsAsciiLetterOrDigit(c) || c == '-'));
        if (name.Length == 0) name = Guid.NewGuid().ToString("N");
        string target = Path.Combine(Folder, name + ".xml");
        string temp = Path.Combine(Folder, $".{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = PrivateFile;
        using (var stream = new FileStream(temp, options))
        {
            element.Save(stream);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, target, overwrite: true);
    }

    private static void CreatePrivate(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }
        Directory.CreateDirectory(folder, PrivateFolder);
        // An existing folder (made by an older Seer, or by hand) is tightened too.
        if (File.GetUnixFileMode(folder) != PrivateFolder) File.SetUnixFileMode(folder, PrivateFolder);
    }
}
