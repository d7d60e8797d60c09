namespace Seer.Hosting.Accounts;

/// <summary>A user as the API shows it (never the password hash).</summary>
public sealed record UserInfo(string Name, UserRole Role, DateTimeOffset CreatedAt)
{
    public string RoleName => RoleNameOf(Role);

    /// <summary>The role as stored and shown: admin, member or labeller.</summary>
    public static string RoleNameOf(UserRole role) => role switch { UserRole.Admin => "admin", UserRole.Labeller => "labeller", _ => "member" };
}
